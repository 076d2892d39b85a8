"""A partner's volunteer-service record (志愿服务记录) and certificate (志愿服务证明): what the
民政部 rules ask a record to hold (who, which activities, when, how long, who organised) and a
certificate to show (its number, the hours, the issuer), checkable by anyone through its QR."""

from django.db import IntegrityError, transaction
from django.db.models import Sum

from .models import VolunteerCertificate
from .queries import credited


def record_of(partner) -> dict:
    lines = [
        {
            "activity_id": s.activity_id,
            "title": s.activity.title,
            "day": s.activity.starts_at.date(),
            "minutes": s.credited_minutes,
            "organiser": s.activity.county.name,
        }
        for s in credited(partner)
    ]
    minutes = sum(line["minutes"] for line in lines)
    return {"minutes": minutes, "hours": round(minutes / 60, 1), "lines": lines}


def minutes_of(partner) -> int:
    return credited(partner).aggregate(m=Sum("credited_minutes"))["m"] or 0


def certificate_for(partner) -> VolunteerCertificate:
    """The partner's certificate, numbered on first use: 522731-V-00042."""
    found = VolunteerCertificate.objects.filter(partner=partner).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return VolunteerCertificate.objects.create(
                partner=partner, number=f"{partner.county_id[:6]}-V-{partner.pk:05d}"
            )
    except IntegrityError:  # made at the same moment by another request
        return VolunteerCertificate.objects.get(partner=partner)
