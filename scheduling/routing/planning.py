"""Who is rung for a caller, and when: plain Python over the counsellors who are free.

Counsellors who take the caller's language come first; the others join after a while (or at
once when nobody takes that language). `ring_all` rings each group at once; `longest_idle`
rings one counsellor at a time, the one whose last call is longest ago first, the next after
`next_after_seconds` (sooner when one lets the call pass).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scheduling.routing.config import RoutingConfig

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FreeCounsellor:
    """On duty, not in a call, with a number that can be dialled."""

    id: int
    number: str
    languages: frozenset[str]
    last_call_at: datetime | None


@dataclass(frozen=True)
class PlannedRing:
    counsellor_id: int
    number: str
    due_at: datetime


def plan_rings(
    free: Sequence[FreeCounsellor], language: str, config: RoutingConfig, now: datetime
) -> list[PlannedRing]:
    by_idle = sorted(free, key=lambda c: (c.last_call_at or NEVER, c.id))
    speakers = [c for c in by_idle if language in c.languages]
    others = [c for c in by_idle if language not in c.languages]
    if not speakers:
        speakers, others = others, []
    if config.strategy == "longest_idle":
        step = timedelta(seconds=config.next_after_seconds)
        return [
            PlannedRing(c.id, c.number, now + index * step)
            for index, c in enumerate([*speakers, *others])
        ]
    later = now + timedelta(seconds=config.other_language_after_seconds)
    return [PlannedRing(c.id, c.number, now) for c in speakers] + [
        PlannedRing(c.id, c.number, later) for c in others
    ]
