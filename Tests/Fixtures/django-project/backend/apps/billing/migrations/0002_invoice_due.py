from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="due",
            field=models.DateField(null=True),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["due"], name="finance_inv_due_idx"),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(fields=("number",), name="finance_invoice_number_uniq"),
        ),
    ]
