import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("reports", "0004_category_is_public"),
    ]

    operations = [
        migrations.CreateModel(
            name="Open311Settings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_feed", models.BooleanField(default=True, help_text="Off: other systems see none of this county's requests, except those they sent themselves. They can still report.", verbose_name="public feed")),
                ("county", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="open311_settings", to="geo.region")),
            ],
            options={
                "verbose_name": "Open311 settings",
                "verbose_name_plural": "Open311 settings",
            },
        ),
    ]
