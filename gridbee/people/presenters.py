"""People data as the API and the pages show it, through the privacy rules."""

from django.urls import reverse
from django.utils import timezone

from .models import Application, Certificate, Partner
from .privacy import application_contact, partner_contact
from .validators import mask_name


def steps(application: Application) -> list[dict]:
    return [
        {"action": s.action, "actor_role": s.actor_role, "note": s.note, "at": s.at}
        for s in application.steps.all()
    ]


def application_out(viewer, application: Application) -> dict:
    return {
        "id": application.pk,
        "status": application.status,
        "name": application.name,
        **application_contact(viewer, application),
        "industry": application.industry.name,
        "station": application.station.name,
        "county_code": application.county_id,
        "work_area": application.work_area,
        "grid_codes": [g.code for g in application.grids.all()],
        "submitted_at": application.submitted_at,
        "steps": steps(application),
    }


def certificate_out(certificate: Certificate | None) -> dict | None:
    if certificate is None:
        return None
    return {
        "number": certificate.number,
        "valid_until": certificate.valid_until,
        "verify_url": reverse("verify-certificate", args=[certificate.token]),
    }


def partner_out(viewer, partner: Partner, *, events: bool = False) -> dict:
    certificate = getattr(partner, "certificate", None)
    membership = getattr(partner, "membership", None)
    out = {
        "id": partner.pk,
        "name": partner.name,
        **partner_contact(viewer, partner),
        "industry": partner.industry.name,
        "station": partner.station.name,
        "county_code": partner.county_id,
        "status": partner.status,
        "grid_codes": [b.grid.code for b in partner.bindings.all()],
        "certificate": certificate_out(certificate),
        "team": membership.team.name if membership else None,
    }
    if events:
        out["events"] = [
            {
                "action": e.action,
                "reason": e.reason,
                "note": e.note,
                "at": e.at,
                "actor_role": e.actor.role if e.actor else "",
            }
            for e in partner.events.all()
        ]
    return out


def certificate_status(certificate: Certificate) -> str:
    """Suspended or revoked says more than expired, so it wins."""
    status = certificate.partner.status
    if status == "active" and certificate.valid_until < timezone.localdate():
        return "expired"
    return status


def verification_out(certificate: Certificate) -> dict:
    partner = certificate.partner
    return {
        "number": certificate.number,
        "name": mask_name(partner.name),
        "industry": partner.industry.name,
        "county": partner.county.name,
        "status": certificate_status(certificate),
        "valid_until": certificate.valid_until,
    }
