"""The county's rules and shop items over JSON, for its reviewer, with their history."""

from ninja import Query, Router, Status

from gridbee.core.authz import Perm, needs
from gridbee.core.schemas import ErrorOut, Id
from gridbee.people.auth import LOGGED_IN
from gridbee.rewards import ledger

from .. import actions_rules as actions
from ..queries import own_county, rule_history
from ..schemas import ItemIn, ItemOut, RuleChangeOut, RulesIn, RulesOut

router = Router(tags=["services"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409), ErrorOut)
# Anyone else's county is their own, whatever they name.
COUNTY = Query("", max_length=12, description="for the administrator: which county (its code)")


def rules_out(rules) -> dict:
    return {name: getattr(rules, name) for name in actions.RULE_FIELDS}


def item_out(item) -> dict:
    return {
        f: getattr(item, f)
        for f in (
            "name",
            "kind",
            "description",
            "price",
            "stock",
            "per_person_limit",
            "active",
            "sort",
        )
    } | {"id": item.pk}


@router.get("/county/rules", response={200: RulesOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.RULES_MANAGE)
def get_rules(request, county: str = COUNTY):
    """The county's earning rules, cash grades (fen) and redemption window."""
    return rules_out(ledger.rules_for(own_county(request.user, county)))


@router.patch("/county/rules", response={200: RulesOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.RULES_MANAGE)
def change_rules(request, body: RulesIn, county: str = COUNTY):
    """Change some of the rules (the fields of GET /county/rules); each change is kept on the
    history and the next award uses it."""
    changes = body.dict(exclude_none=True)
    return rules_out(actions.update_rules(changes, actor=request.user, county=county or None))


@router.get("/county/rules/history", response={200: list[RuleChangeOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.RULES_MANAGE)
def history(request, county: str = COUNTY):
    return [
        {"at": c.at, "actor": c.actor.name, "subject": c.subject, "field": c.field,
         "old": c.old, "new": c.new}
        for c in rule_history(request.user, county or None)[:500]
    ]  # fmt: skip


@router.get("/county/shop/items", response={200: list[ItemOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.SHOP_MANAGE)
def items(request, county: str = COUNTY):
    """Every item of the county's shop, on sale or not."""
    found = actions.items_to_manage(request.user, county or None).order_by("sort", "id")
    return [item_out(i) for i in found]


@router.post("/county/shop/items", response={201: ItemOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.SHOP_MANAGE)
def create_item(request, body: ItemIn, county: str = COUNTY):
    data = body.dict(exclude_none=True) | {"county": county}
    item = actions.save_item(data, actor=request.user)
    return Status(201, item_out(item))


@router.patch("/county/shop/items/{item_id}", response={200: ItemOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.SHOP_MANAGE)
def change_item(request, item_id: Id, body: ItemIn):
    return item_out(
        actions.save_item(body.dict(exclude_none=True), actor=request.user, item_id=item_id)
    )
