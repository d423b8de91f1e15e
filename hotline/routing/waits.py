"""How long a caller may still wait: an honest estimate from recent handle times.

A counsellor is kept from the next caller by the talk and the wrap-up; with N counsellors on
duty one of them frees up every (handle time / N) on average, so the caller at position p
waits about p of those. Said only once there is enough history (`MIN_HISTORY` calls in the
last `HISTORY_DAYS` days), and rounded up to whole minutes, never down: a caller told "about
two minutes" who waits four has been misled, one who waits one minute has not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from hotline.counsellors.models import Counsellor
from hotline.routing.config import RoutingConfig
from hotline.telephony.models import Call

MIN_HISTORY = 10  # calls: fewer say too little
RECENT_CALLS = 50
HISTORY_DAYS = 14
_CALLS: Table = Call.__table__  # type: ignore[assignment]
_COUNSELLORS: Table = Counsellor.__table__  # type: ignore[assignment]


def recent_handle_seconds(session: Session, now: datetime, config: RoutingConfig) -> float | None:
    """Mean talk time of the last RECENT_CALLS connected calls, plus the wrap-up; None with
    fewer than MIN_HISTORY of them."""
    recent = (
        select(_CALLS.c.connected_at, _CALLS.c.ended_at)
        .where(
            _CALLS.c.connected_at.is_not(None),
            _CALLS.c.ended_at.is_not(None),
            _CALLS.c.connected_at > now - timedelta(days=HISTORY_DAYS),
        )
        .order_by(_CALLS.c.connected_at.desc())
        .limit(RECENT_CALLS)
    )
    talks = [
        (ended_at - connected_at).total_seconds()
        for connected_at, ended_at in session.execute(recent)
        if ended_at >= connected_at
    ]
    if len(talks) < MIN_HISTORY:
        return None
    return sum(talks) / len(talks) + config.wrap_up_seconds


def estimated_wait(
    session: Session, now: datetime, position: int, config: RoutingConfig
) -> float | None:
    """Seconds the caller at `position` may still wait; None when it cannot be said."""
    handle = recent_handle_seconds(session, now, config)
    on_duty = session.scalar(
        select(func.count()).select_from(_COUNSELLORS).where(_COUNSELLORS.c.on_duty.is_(True))
    )
    if handle is None or not on_duty:
        return None
    return position * handle / on_duty


def minutes_to_say(seconds: float) -> int:
    """Whole minutes, rounded up (at least 1)."""
    return max(1, int(-(-seconds // 60)))
