"""Manual overrides of the opening hours ("closed until 14:00: team meeting"), kept in the database.

Staff set them from the CLI; every web worker sees them on its next request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from hotline.clock import years_later
from scheduling.hours.config import HoursConfig
from scheduling.hours.models import HoursOverrideEntry
from scheduling.hours.opening_hours import HoursOverride, OpeningHours

# An override is for a day or some weeks (a team day, a move); a typo such as 9999 must not
# close (or open) the line for good.
YEARS_AHEAD = 1


class OverrideTooFarAhead(ValueError):
    """The override would end after `latest`, a year from now."""

    def __init__(self, latest: datetime) -> None:
        super().__init__(f"an override ends at most a year ahead: by {latest:%Y-%m-%d %H:%M} UTC")
        self.latest = latest


def latest_override_end(now: datetime) -> datetime:
    """The latest end an override set at `now` may have."""
    return years_later(now, YEARS_AHEAD)


def _active(now: datetime) -> ColumnElement[bool]:
    """Not cleared and not yet over (those that start later count as active)."""
    return and_(HoursOverrideEntry.cleared_at.is_(None), HoursOverrideEntry.ends_at > now)


def active_overrides(session: Session, now: datetime) -> list[HoursOverride]:
    rows = session.scalars(
        select(HoursOverrideEntry).where(_active(now)).order_by(HoursOverrideEntry.starts_at)
    )
    return [
        HoursOverride(
            is_open=row.is_open, starts_at=row.starts_at, ends_at=row.ends_at, reason=row.reason
        )
        for row in rows
    ]


def set_override(
    session: Session, *, is_open: bool, until: datetime, reason: str, now: datetime
) -> HoursOverrideEntry:
    """From now until `until`, open or closed whatever the weekly hours; replaces older ones.
    ValueError for an end that is past, OverrideTooFarAhead for one more than a year ahead."""
    if until <= now:
        raise ValueError("the override must end in the future")
    if until > latest_override_end(now):
        raise OverrideTooFarAhead(latest_override_end(now))
    clear_overrides(session, now)
    entry = HoursOverrideEntry(
        is_open=is_open, starts_at=now, ends_at=until, reason=reason.strip(), created_at=now
    )
    session.add(entry)
    session.flush()
    return entry


def clear_overrides(session: Session, now: datetime) -> int:
    """End every active override now; returns how many there were."""
    rows = session.scalars(select(HoursOverrideEntry).where(_active(now))).all()
    for row in rows:
        row.cleared_at = now
    return len(rows)


def opening_hours_at(session: Session, config: HoursConfig, now: datetime) -> OpeningHours:
    """The opening hours as they stand, overrides included."""
    return OpeningHours(config, active_overrides(session, now))
