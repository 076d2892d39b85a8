"""Points, shop and cash rewards over JSON. Handlers are thin: actions and queries do the work."""

from ninja import Router

router = Router(tags=["rewards"])
