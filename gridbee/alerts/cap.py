"""Each message of an alert as OASIS CAP 1.2 XML (Common Alerting Protocol), so a county can
forward its alerts to other alerting systems: the Alert, each Update and the Cancel, every one
after the first naming the messages before it in <references>.

Once an alert is closed none of its messages carries the person's name or description any
more: what is forwarded after that moment must not spread them further."""

import datetime
from xml.etree import ElementTree as ET

from django.utils.translation import override

from .choices import AlertKind, CapType
from .models import Alert, CapMessage

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
# CAP's dateTime: seconds, and a numeric offset (never "Z", never fractions).
TIMEZONE = datetime.timezone(datetime.timedelta(hours=8))
EVENTS = {
    AlertKind.MISSING_CHILD: "Missing child",
    AlertKind.MISSING_ELDER: "Missing elderly person",
    AlertKind.OTHER: "Urgent search",
}


def cap_time(moment: datetime.datetime) -> str:
    return moment.astimezone(TIMEZONE).replace(microsecond=0).isoformat()


def sender(alert: Alert) -> str:
    return f"gridbee-{alert.county_id}"


def identifier(message: CapMessage) -> str:
    return f"gridbee-{message.alert.county_id}-alert-{message.alert_id}-{message.pk}"


def reference(message: CapMessage) -> str:
    return f"{sender(message.alert)},{identifier(message)},{cap_time(message.sent)}"


def document(message: CapMessage) -> bytes:
    """The message as CAP 1.2 XML (UTF-8)."""
    alert = Alert.objects.select_related("county").get(pk=message.alert_id)  # as it is now
    earlier = [m for m in alert.messages.all() if (m.sent, m.pk) < (message.sent, message.pk)]
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}alert")

    def add(parent, tag, text=None):
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
        if text is not None:
            element.text = str(text)
        return element

    add(root, "identifier", identifier(message))
    add(root, "sender", sender(alert))
    add(root, "sent", cap_time(message.sent))
    add(root, "status", "Actual")
    add(root, "msgType", message.msg_type)
    add(root, "scope", "Public")
    if message.note:
        add(root, "note", message.note)
    if earlier:
        add(root, "references", " ".join(reference(m) for m in earlier))
    add(root, "incidents", f"gridbee-{alert.county_id}-alert-{alert.pk}")
    info = add(root, "info")
    add(info, "language", "zh-CN")
    add(info, "category", "Rescue")
    add(info, "event", EVENTS.get(alert.kind, "Urgent search"))
    ended = message.msg_type == CapType.CANCEL or not alert.is_active
    if ended:
        add(info, "responseType", "AllClear")
        add(info, "urgency", "Past")
        add(info, "severity", "Minor")
        add(info, "certainty", "Observed")
    else:
        add(info, "responseType", "Monitor")
        add(info, "urgency", "Immediate")
        add(info, "severity", "Severe")
        add(info, "certainty", "Likely")
    add(info, "onset", cap_time(alert.last_seen_at))
    add(info, "expires", cap_time(_expires(message, alert)))
    add(info, "senderName", "GridBee")
    with override("zh-hans"):
        add(info, "headline", str(alert.get_kind_display()))
    if not ended:
        add(info, "description", alert.description)
        if alert.contact:
            add(info, "contact", alert.contact)
    area = add(info, "area")
    add(area, "areaDesc", alert.county.name)
    add(area, "circle", f"{alert.lat:.6f},{alert.lon:.6f} {_radius_km(message, alert):g}")
    geocode = add(area, "geocode")
    add(geocode, "valueName", "GB/T 2260")
    add(geocode, "value", alert.county_id[:6])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _expires(message: CapMessage, alert: Alert) -> datetime.datetime:
    frozen = message.snapshot.get("expires")
    return datetime.datetime.fromisoformat(frozen) if frozen else alert.expires_at


def _radius_km(message: CapMessage, alert: Alert) -> float:
    """The radius the message stood at; the whole county as the widest finite stage."""
    radius = message.snapshot.get("radius_m")
    if radius is None:
        radius = max((r for _m, r in alert.stages if r is not None), default=50_000)
    return round(radius / 1000, 3)
