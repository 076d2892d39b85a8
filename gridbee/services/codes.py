"""The venue's rotating check-in code (签到码): HMAC-SHA256 of the activity and a 30-second time
step under the activity's own secret. Only the current step and the one before are accepted,
so a photo of an old code (yesterday's, or one sent from the venue to a friend a minute later)
does not work, while a scan at the turn of a step still does."""

import hashlib
import hmac
import time

STEP_SECONDS = 30
ACCEPTED_STEPS = (0, 1)  # now, and the step before


def _sign(secret: str, activity_id: int, step: int) -> str:
    message = f"{activity_id}.{step}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:20]


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_for(activity, now: float | None = None) -> str:
    step = current_step(now)
    return f"{activity.pk}.{step}.{_sign(activity.secret, activity.pk, step)}"


def seconds_left(now: float | None = None) -> int:
    now = time.time() if now is None else now
    return STEP_SECONDS - int(now % STEP_SECONDS)


def activity_of(code: str) -> int | None:
    try:
        return int(str(code).split(".", 1)[0])
    except ValueError:
        return None


def is_valid(activity, code: str, now: float | None = None) -> bool:
    parts = str(code or "").strip().split(".")
    if len(parts) != 3 or not parts[1].isdigit() or parts[0] != str(activity.pk):
        return False
    step = int(parts[1])
    if current_step(now) - step not in ACCEPTED_STEPS:
        return False
    return hmac.compare_digest(parts[2], _sign(activity.secret, activity.pk, step))
