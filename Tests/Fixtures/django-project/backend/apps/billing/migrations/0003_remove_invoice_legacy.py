from django.db import migrations


def forwards(apps, schema_editor):
    """Nothing to copy: legacy codes were never used."""


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0002_invoice_due"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="invoice",
            name="finance_inv_legacy_idx",
        ),
        migrations.RemoveField(
            model_name="invoice",
            name="legacy_code",
        ),
    ]
