from django.db import migrations


def add_categories(apps, schema_editor):
    from gridbee.reports.default_categories import install

    install(apps.get_model("reports", "Category"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
