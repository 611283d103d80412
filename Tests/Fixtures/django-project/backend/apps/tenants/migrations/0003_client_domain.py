from django.db import migrations, models

CREATE_DOMAIN = """
    CREATE TABLE IF NOT EXISTS tenants_domain (
        id bigserial PRIMARY KEY,
        domain varchar(253) NOT NULL UNIQUE,
        is_primary boolean NOT NULL,
        tenant_id bigint NOT NULL REFERENCES tenants_client (id)
    );
"""


class Migration(migrations.Migration):
    """The table may already exist where it was created by hand: create it only if missing."""

    dependencies = [
        ("tenants", "0002_client_paid_until"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(CREATE_DOMAIN, reverse_sql=migrations.RunSQL.noop),
                migrations.RunSQL(
                    sql=["CREATE INDEX IF NOT EXISTS tenants_domain_tenant_idx ON tenants_domain (tenant_id)"],
                    reverse_sql=migrations.RunSQL.noop,
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="Domain",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("domain", models.CharField(max_length=253, unique=True)),
                        ("is_primary", models.BooleanField(default=True)),
                        ("tenant", models.ForeignKey(on_delete=models.CASCADE, to="tenants.client")),
                    ],
                ),
            ],
        ),
    ]
