"""Claims' and mediations' reasons move from the steps' notes to their own column (see cases
0012): a rating or a performance follow-up gave its code as the note. A refusal needed a note
as well as a reason, so its reason was never stored: nothing to move."""

from django.db import migrations, models

# The codes when this was written (cases.choices.Rating, claims.choices.Performance).
REASONS = {
    "rate": ["satisfied", "fairly", "dissatisfied"],
    "perform": ["performed", "partly", "not_performed"],
}


def move_reasons(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for kind, codes in REASONS.items():
        events = CaseEvent.objects.filter(
            kind=kind, note__in=codes, case__kind__in=["claim", "mediation"]
        )
        events.update(reason=models.F("note"), note="")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("cases", "0012_event_reason"),
    ]

    operations = [
        migrations.RunPython(move_reasons, migrations.RunPython.noop),
    ]
