"""Writes the Django project whose migrations made bench/generate.sql's databases.

Usage: python3 bench/django_code.py DIRECTORY

Each app of the benchmark (crm, finance, …: tenant apps; tenants: the shared app) gets
`<app>/migrations/0001_initial.py` … `0004_auto_4.py`, the names generate.sql records: 0001
creates the app's models with the columns and the named status index the tables have, 0002–0004
change nothing in the database. The project is loadable by Django itself (settings.py,
manage.py), so that Django's own per-tenant check can run on the same databases.
"""
import hashlib
import os
import sys

MODELS = [
    ("crm", "account"), ("crm", "contact"), ("crm", "lead"), ("crm", "opportunity"),
    ("finance", "invoice"), ("finance", "payment"), ("finance", "taxrate"),
    ("finance", "ledgerentry"), ("inventory", "product"), ("inventory", "warehouse"),
    ("inventory", "stockmove"), ("inventory", "supplier"), ("orders", "order"),
    ("orders", "orderline"), ("orders", "shipment"), ("orders", "return"),
    ("hr", "employee"), ("hr", "department"), ("hr", "leaverequest"),
    ("support", "ticket"), ("support", "comment"), ("support", "sla"),
    ("reports", "dashboard"), ("reports", "widget"), ("reports", "schedule"),
]
TENANT_APPS = list(dict.fromkeys(app for app, _ in MODELS))

HEADER = "from django.db import migrations, models\nimport django.db.models.deletion\n\n\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def model_operation(app, model, previous):
    table = f"{app}_{model}"
    digest = hashlib.md5(table.encode()).hexdigest()[:8]
    index = f"{app[:7]}_{model[:4]}_status_{digest[:6]}_idx"
    owner = (
        f'("owner", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, '
        f'to="{previous[0]}.{previous[1]}", db_constraint=True)),'
        if previous else '("owner_id", models.BigIntegerField(null=True)),'
    )
    return f'''        migrations.CreateModel(
            name="{model.capitalize()}",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=255, unique=True)),
                ("status", models.CharField(default="active", max_length=32)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("is_active", models.BooleanField(default=True)),
                {owner}
            ],
            options={{
                "indexes": [models.Index(fields=["status", "created_at"], name="{index}")],
            }},
        ),
'''


def migration(app, name, dependencies, operations):
    deps = "".join(f"        ({a!r}, {n!r}),\n" for a, n in dependencies)
    return (HEADER + "class Migration(migrations.Migration):\n\n"
            + ("    initial = True\n\n" if name == "0001_initial" else "")
            + f"    dependencies = [\n{deps}    ]\n\n    operations = [\n{operations}    ]\n")


def main(root):
    for app in TENANT_APPS + ["tenants"]:
        folder = os.path.join(root, app)
        write(os.path.join(folder, "__init__.py"), "")
        write(os.path.join(folder, "migrations", "__init__.py"), "")
        write(os.path.join(folder, "apps.py"),
              f"from django.apps import AppConfig\n\n\nclass Config(AppConfig):\n    name = {app!r}\n"
              f"    label = {app!r}\n")
        write(os.path.join(folder, "models.py"), "")
    previous = None
    for app in TENANT_APPS:
        operations = ""
        dependencies = {("tenants", "0001_initial")}
        for model_app, model in MODELS:
            if model_app == app:
                if previous and previous[0] != app:
                    dependencies.add((previous[0], "0001_initial"))
                operations += model_operation(app, model, previous)
                previous = (app, model)
        write(os.path.join(root, app, "migrations", "0001_initial.py"),
              migration(app, "0001_initial", sorted(dependencies), operations))
    tenants = '''        migrations.CreateModel(
            name="Client",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("schema_name", models.CharField(max_length=63, unique=True)),
                ("name", models.CharField(max_length=100)),
                ("created_on", models.DateField()),
            ],
        ),
        migrations.CreateModel(
            name="Domain",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("domain", models.CharField(max_length=253, unique=True)),
                ("is_primary", models.BooleanField(default=True)),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="tenants.client")),
            ],
            options={
                "indexes": [models.Index(fields=["domain", "is_primary"], name="tenants_ten_domain_6df599_idx")],
            },
        ),
'''
    write(os.path.join(root, "tenants", "migrations", "0001_initial.py"),
          migration("tenants", "0001_initial", [], tenants))
    for app in TENANT_APPS + ["tenants"]:
        for number in (2, 3, 4):
            name = f"{number:04d}_auto_{number}"
            parent = "0001_initial" if number == 2 else f"{number - 1:04d}_auto_{number - 1}"
            write(os.path.join(root, app, "migrations", f"{name}.py"),
                  migration(app, name, [(app, parent)], ""))


SETTINGS = """import os

SECRET_KEY = "envdrift-bench"
USE_TZ = True
DATABASES = {{
    "default": {{
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": os.environ["BENCH_DATABASE"],
        "HOST": os.environ.get("PGHOST", ""),
        "PORT": os.environ.get("PGPORT", ""),
        "USER": os.environ.get("PGUSER", ""),
    }}
}}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
SHARED_APPS = ["django_tenants", "django.contrib.contenttypes", "tenants"]
TENANT_APPS = {tenant_apps!r}
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
TENANT_MODEL = "tenants.Client"
TENANT_DOMAIN_MODEL = "tenants.Domain"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""

TENANT_MODELS = """from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Client(TenantMixin):
    name = models.CharField(max_length=100)
    created_on = models.DateField()
    auto_create_schema = False


class Domain(DomainMixin):
    class Meta:
        indexes = [models.Index(fields=["domain", "is_primary"], name="tenants_ten_domain_6df599_idx")]
"""


def project(root):
    """settings.py and manage.py, so that Django's own `migrate_schemas --check` can run."""
    write(os.path.join(root, "settings.py"), SETTINGS.format(tenant_apps=TENANT_APPS))
    write(os.path.join(root, "tenants", "models.py"), TENANT_MODELS)
    write(os.path.join(root, "manage.py"),
          "import os, sys\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'settings')\n"
          "from django.core.management import execute_from_command_line\n\n"
          "execute_from_command_line(sys.argv)\n")


if __name__ == "__main__":
    main(sys.argv[1])
    project(sys.argv[1])
