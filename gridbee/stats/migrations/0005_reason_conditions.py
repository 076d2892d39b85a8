"""A step's reason has its own column now (cases 0012): a measure's condition on a rating reads
it (reason_in), not the note, where a reporter's comment had hidden the rating."""

from django.db import migrations

# Reasons' codes when this was written (cases.choices.Rating, RejectReason).
CODES = {"satisfied", "fairly", "dissatisfied", "not_a_problem", "duplicate", "outside_remit",
         "false_report"}  # fmt: skip


def _moved(conds, old: str, new: str) -> tuple[list, bool]:
    out, changed = [], False
    for cond in conds or []:
        if old in cond and set(cond[old]) <= CODES:
            cond = {(new if k == old else k): v for k, v in cond.items()}
            changed = True
        out.append(cond)
    return out, changed


def convert(apps, old: str, new: str):
    Measure = apps.get_model("stats", "Measure")
    for measure in Measure.objects.all():
        requires, a = _moved(measure.requires, old, new)
        excludes, b = _moved(measure.excludes, old, new)
        where, c = _moved([measure.where] if measure.where else [], old, new)
        if a or b or c:
            measure.requires, measure.excludes = requires, excludes
            measure.where = where[0] if where else {}
            measure.save(update_fields=["requires", "excludes", "where"])


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0004_daily_stat_covering"),
        ("cases", "0012_event_reason"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: convert(apps, "note_in", "reason_in"),
            lambda apps, _: convert(apps, "reason_in", "note_in"),
        ),
    ]
