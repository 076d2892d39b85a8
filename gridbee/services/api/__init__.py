"""Services over JSON: one router, one module per part. Handlers are thin."""

from ninja import Router

from . import activities, inbox, rules, stations, teams

router = Router(tags=["services"])
router.add_router("/", stations.router)
router.add_router("/", activities.router)
router.add_router("/", rules.router)
router.add_router("/", teams.router)
router.add_router("/", inbox.router)
