import logging
from typing import Literal

import redis
from django.conf import settings
from django.db import connection
from ninja import Router, Schema

from . import heartbeat
from .authz import Access, needs

log = logging.getLogger(__name__)
router = Router(tags=["health"])


class HealthOut(Schema):
    status: Literal["ok", "degraded"]
    database: Literal["ok"]
    redis: Literal["ok", "down", "not_configured"]
    worker: Literal["ok", "down", "unknown", "inline"]


@router.get(
    "/health",
    response=HealthOut,
    summary="Liveness, database, Redis and background worker",
    description=(
        "Cheap enough to poll. 200 while the database answers, `degraded` when Redis is out "
        f"of reach or no background worker has beaten for {heartbeat.DEAD_AFTER_SECONDS:.0f} s "
        "(`unknown`: its beat is kept in Redis, which is down; `inline`: tasks run within "
        "requests, no worker needed). A database out of reach is a 503."
    ),
)
@needs(Access.ANYONE)
def health(request):
    # A database out of reach raises here: the API's handler answers 503 with Retry-After.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    redis_state = "ok" if settings.REDIS_URL else "not_configured"
    try:
        beating = heartbeat.beating()  # with Redis, one command that also says it answers
    except redis.RedisError as exc:
        log.warning("health: Redis out of reach: %s", exc)
        redis_state, beating = "down", None
    except Exception:
        log.exception("health: the worker's heartbeat cannot be read")
        beating = None
    if settings.HUEY.get("immediate"):
        worker = "inline"
    else:
        worker = {True: "ok", False: "down", None: "unknown"}[beating]
    healthy = redis_state != "down" and worker in {"ok", "inline"}
    return {
        "status": "ok" if healthy else "degraded",
        "database": "ok",
        "redis": redis_state,
        "worker": worker,
    }
