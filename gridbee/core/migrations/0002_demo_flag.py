from django.db import migrations, models

DEMO_ADMIN_MOBILE = "13800000007"  # the demo city's administrator (people/demo.py)


def flag_existing_demo(apps, schema_editor):
    """A database that got the demo city before the flag existed still says it is a demo.
    Read with plain SQL: the people app's tables may not exist yet (a fresh database), and
    core's migrations do not depend on the apps above it."""
    connection = schema_editor.connection
    if "people_user" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM people_user WHERE mobile = %s", [DEMO_ADMIN_MOBILE])
        if cursor.fetchone() is None:
            return
    apps.get_model("core", "Flag").objects.get_or_create(name="demo")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Flag",
            fields=[
                ("name", models.CharField(max_length=50, primary_key=True, serialize=False)),
                ("set_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RunPython(flag_existing_demo, migrations.RunPython.noop),
    ]
