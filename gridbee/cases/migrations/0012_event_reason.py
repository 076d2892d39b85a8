"""A step's reason gets a column of its own. Until now a step stored its reason code in the
note when no note was given, and lost it when one was: the codes found in notes move over."""

from django.db import migrations, models

# The codes of the photo reports' reasoned steps when this was written (choices.RejectReason,
# choices.Rating); claims move theirs in their own migration.
REASONS = {
    "reject": ["not_a_problem", "duplicate", "outside_remit", "false_report"],
    "rate": ["satisfied", "fairly", "dissatisfied"],
}
CLAIMS = ["claim", "mediation"]  # their reasons have choices of their own


def move_reasons(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for kind, codes in REASONS.items():
        events = CaseEvent.objects.filter(kind=kind, note__in=codes)
        events.exclude(case__kind__in=CLAIMS).update(reason=models.F("note"), note="")


def move_back(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CaseEvent.objects.filter(note="").exclude(reason="").update(note=models.F("reason"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_event_at_of_the_step"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="reason",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.RunPython(move_reasons, move_back),
    ]
