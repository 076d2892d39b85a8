from django.db import migrations, models
from django.utils.crypto import salted_hmac

# As User.get_session_auth_hash() computes it while auth_epoch is 0 (Django's own hash).
SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


def stamp_existing_tokens(apps, schema_editor):
    """Tokens issued before this migration get the hash they would have had: they keep
    working until the user's password changes or their logins are ended."""
    ApiToken = apps.get_model("people", "ApiToken")
    tokens = ApiToken.objects.select_related("user").only("pk", "user__password")
    for token in tokens.iterator(chunk_size=2000):
        token.auth_hash = salted_hmac(SALT, token.user.password, algorithm="sha256").hexdigest()
        token.save(update_fields=["auth_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_application_id_number_may_be_purged"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="auth_epoch",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="auth_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="issued"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last used"),
        ),
        migrations.RunPython(stamp_existing_tokens, migrations.RunPython.noop, elidable=True),
    ]
