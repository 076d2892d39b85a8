from django.db import migrations, models

# The default categories about a person (人员走失, 矛盾纠纷, 交通事故), as they were when this
# field came: a county that made its own can mark them in the admin.
PRIVATE = ("missing_person", "dispute", "traffic_accident")


def mark_private(apps, schema_editor):
    apps.get_model("reports", "Category").objects.filter(code__in=PRIVATE).update(is_public=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_answer_help_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="is_public",
            field=models.BooleanField(
                default=True,
                help_text="Off: the category and its requests never appear in the public Open311 output and other systems cannot report in it.",
                verbose_name="public in Open311",
            ),
        ),
        migrations.RunPython(mark_private, migrations.RunPython.noop),
    ]
