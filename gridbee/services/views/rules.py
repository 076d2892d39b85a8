"""The county reviewer's rules page: earning rules, cash grades, the redemption window and the
shop's items, edited in the app, with their history."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridbee.core.authz import Perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import needs
from gridbee.rewards import ledger
from gridbee.rewards.choices import CashFor, ItemKind
from gridbee.rewards.models import EarningRules

from .. import actions_rules as actions
from ..queries import ALL, counties_to_choose, county_of, rule_history

BOOLEAN = ("redemption_always_open", "separate_cash_approval_and_payment")


@needs(Perm.RULES_MANAGE)
def rules(request):
    # The administrator serves every county: they pick one (the first by default), and every
    # form on the page acts on it; anyone else's county is their own whatever they name.
    counties = counties_to_choose(request.user)
    chosen = ""
    if counties:
        asked = request.GET.get("county", "")
        chosen = next((c.code for c in counties if c.code == asked), counties[0].code)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "item":
                data = {f: request.POST.get(f) for f in actions.ITEM_FIELDS if f in request.POST}
                data["active"] = request.POST.get("active") == "on"
                data["county"] = chosen
                actions.save_item(data, actor=request.user, item_id=request.POST.get("pk") or None)
            else:
                changes = {
                    f: request.POST.get(f, "") for f in actions.RULE_FIELDS if f not in BOOLEAN
                }
                changes.update({f: request.POST.get(f) == "on" for f in BOOLEAN})
                actions.update_rules(changes, actor=request.user, county=chosen or None)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved. The next award uses the new rules."))
            return redirect(reverse("county-rules") + (f"?county={chosen}" if chosen else ""))
    county = chosen or county_of(request.user)
    # No county (an empty installation's administrator): the defaults, unsaved.
    current = ledger.rules_for(county) if county not in (None, ALL) else EarningRules()
    fields = [
        (name, EarningRules._meta.get_field(name).verbose_name, getattr(current, name))
        for name in actions.RULE_FIELDS
    ]
    items = actions.items_to_manage(request.user, chosen or None).order_by("sort", "id")
    return render(request, "services/rules.html", {
        "fields": fields, "booleans": BOOLEAN, "cash_for": CashFor.choices,
        "items": items, "item_kinds": ItemKind.choices,
        "history": rule_history(request.user, chosen or None)[:100],
        "counties": counties, "chosen": chosen,
    })  # fmt: skip
