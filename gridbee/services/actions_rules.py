"""The county's rules in the app (积分规则, 奖补档次, 兑换窗口) and its shop's items, edited by the
county reviewer. Every change writes who, when and old → new in the same transaction; the
ledger reads the rules afresh for each award, so the next award uses a change at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridbee.core.authz import Perm, require
from gridbee.core.errors import CommonError, DomainError
from gridbee.rewards.choices import ItemKind
from gridbee.rewards.models import EarningRules, Item

from .models import RuleChange
from .queries import get_visible, in_county, own_county

RULE_FIELDS = (
    "first_report_points", "report_points", "check_in_points", "activity_points",
    "alert_points", "daily_cap", "grade1_fen", "grade2_fen", "grade3_fen", "grade4_fen",
    "cash_for", "redemption_days", "redemption_always_open", "false_report_limit",
    "separate_cash_approval_and_payment",
)  # fmt: skip
ITEM_FIELDS = ("name", "kind", "description", "price", "stock", "per_person_limit", "active",
               "sort")  # fmt: skip
LIMITS = {"redemption_days": 92, "false_report_limit": 100}
MAX_NUMBER = 10_000_000


def _coerce(instance, name: str, raw):
    """The value as the model field holds it, or a message why not."""
    field = instance._meta.get_field(name)
    if field.get_internal_type() == "BooleanField":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in ("1", "true", "on", "yes")
    try:
        value = field.to_python(raw.strip() if isinstance(raw, str) else raw)
        if value is None:
            raise ValidationError("empty")
        field.run_validators(value)
        if field.choices and value not in dict(field.flatchoices):
            raise ValidationError("choice")
    except ValidationError:
        raise DomainError(CommonError.INVALID_INPUT, fields={name: _("Not allowed.")}) from None
    if isinstance(value, int) and not 0 <= value <= LIMITS.get(name, MAX_NUMBER):
        raise DomainError(CommonError.INVALID_INPUT, fields={name: _("Out of range.")})
    if isinstance(value, str) and len(value) > (field.max_length or 500):
        raise DomainError(CommonError.INVALID_INPUT, fields={name: _("Too long.")})
    return value


def _apply(
    instance, changes: dict, allowed: tuple, county: str, subject: str, actor
) -> list[RuleChange]:
    """Set the changed fields on `instance`; the history rows, to save with it."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(CommonError.INVALID_INPUT, fields=dict.fromkeys(unknown, _("Unknown.")))
    new_values = {name: _coerce(instance, name, raw) for name, raw in changes.items()}
    changed = []
    for name, value in new_values.items():
        old = getattr(instance, name)
        if old != value:
            setattr(instance, name, value)
            changed.append(RuleChange(county_id=county, actor=actor, subject=subject, field=name,
                                      old=str(old)[:200], new=str(value)[:200]))  # fmt: skip
    return changed


def update_rules(changes: dict, *, actor, county: str | None = None) -> EarningRules:
    """Change the caller's county rules (the administrator names the county)."""
    require(actor, Perm.RULES_MANAGE)
    county = own_county(actor, county)
    with transaction.atomic():
        rules, _created = EarningRules.objects.select_for_update().get_or_create(county_id=county)
        changed = _apply(rules, changes, RULE_FIELDS, county, "rules", actor)
        if changed:
            rules.save()
            RuleChange.objects.bulk_create(changed)
    return rules


def items_to_manage(actor, county: str | None = None):
    require(actor, Perm.SHOP_MANAGE)
    return in_county(Item.objects.all(), actor, chosen=county)


def save_item(data: dict, *, actor, item_id=None) -> Item:
    """Create an item in the actor's county shop, or change one of its items."""
    require(actor, Perm.SHOP_MANAGE)
    with transaction.atomic():
        if item_id is None:
            county = own_county(actor, data.get("county"))
            item = Item(county_id=county, kind=ItemKind.GOODS, price=0)
            missing = {f for f in ("name", "price") if data.get(f) in (None, "")}
            if missing:
                raise DomainError(CommonError.INVALID_INPUT,
                                  fields=dict.fromkeys(missing, _("Needed.")))  # fmt: skip
        else:
            item = get_visible(items_to_manage(actor).select_for_update(), item_id)
            county = item.county_id
        changes = {k: v for k, v in data.items() if k in ITEM_FIELDS and v is not None}
        changed = _apply(item, changes, ITEM_FIELDS, county, "item", actor)
        if item.pk is None or changed:
            if not item.name.strip():
                raise DomainError(CommonError.INVALID_INPUT, fields={"name": _("Needed.")})
            item.save()
            for row in changed:
                row.subject = f"item:{item.pk}"
            RuleChange.objects.bulk_create(changed)
    return item
