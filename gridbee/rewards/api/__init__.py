"""Points, shop and cash rewards over JSON: one router, one module per part. Handlers are
thin: actions and queries do the work."""

from ninja import Router

from . import cash, points, shop

router = Router(tags=["rewards"])
router.add_router("/", points.router)
router.add_router("/", shop.router)
router.add_router("/", cash.router)
