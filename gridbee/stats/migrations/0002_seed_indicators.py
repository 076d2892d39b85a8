from django.db import migrations


def seed(apps, schema_editor):
    from gridbee.stats import seed as data

    data.install(apps.get_model("stats", "Measure"), apps.get_model("stats", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
