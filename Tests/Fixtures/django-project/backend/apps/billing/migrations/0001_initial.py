from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("number", models.CharField(max_length=32)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12)),
                ("legacy_code", models.CharField(blank=True, max_length=8)),
            ],
            options={
                "indexes": [models.Index(fields=["legacy_code"], name="finance_inv_legacy_idx")],
            },
        ),
    ]
