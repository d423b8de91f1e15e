"""Manual overrides of the opening hours ("closed until 14:00"), kept in the database.

Staff set them in the console or from the CLI; every web worker sees them on its next request.
Each has an internal note for colleagues ("Teamsitzung"), which callers never hear, and, when
it closes the line, optionally an announcement that callers hear as the reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from hotline.clock import years_later
from hotline.hours.config import HoursConfig
from hotline.hours.models import HoursOverrideEntry
from scheduling.hours.opening_hours import HoursOverride, OpeningHours

# An override is for a day or some weeks (a team day, a move); a typo such as 9999 must not
# close (or open) the line for good.
YEARS_AHEAD = 1
TEXT_LENGTH = 200  # for the note and the announcement alike (the columns' size)
RECENT_DAYS = 30  # how far back the console and `hotline hours list` show overrides


class OverrideTooFarAhead(ValueError):
    """The override would end after `latest`, a year from now."""

    def __init__(self, latest: datetime) -> None:
        super().__init__(f"an override ends at most a year ahead: by {latest:%Y-%m-%d %H:%M} UTC")
        self.latest = latest


class InvalidOverrideText(ValueError):
    """The note or the announcement cannot be taken: `field` is "note" or "announcement",
    `problem` is "missing" (no note), "too_long" or "while_open" (an announcement for an open
    override: callers are put through then, nobody would hear it)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"the override's {field} cannot be taken: {problem}")
        self.field = field
        self.problem = problem


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
            is_open=row.is_open,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            note=row.note,
            announcement=row.announcement,
        )
        for row in rows
    ]


def recent_overrides(session: Session, now: datetime) -> list[HoursOverrideEntry]:
    """Those that ended in the last RECENT_DAYS days or have not ended yet, newest first."""
    return list(
        session.scalars(
            select(HoursOverrideEntry)
            .where(HoursOverrideEntry.ends_at > now - timedelta(days=RECENT_DAYS))
            .order_by(HoursOverrideEntry.starts_at.desc(), HoursOverrideEntry.id.desc())
        )
    )


def set_override(
    session: Session,
    *,
    is_open: bool,
    until: datetime,
    note: str,
    announcement: str | None = None,
    now: datetime,
) -> HoursOverrideEntry:
    """From now until `until`, open or closed whatever the weekly hours; replaces older ones.
    The note is for colleagues; the announcement (closed only, blank for none) is what callers
    hear. ValueError for an end that is past, OverrideTooFarAhead for one more than a year
    ahead, InvalidOverrideText for a note or an announcement it cannot take."""
    note, announcement = note.strip(), (announcement or "").strip() or None
    _check_texts(is_open, note, announcement)
    if until <= now:
        raise ValueError("the override must end in the future")
    if until > latest_override_end(now):
        raise OverrideTooFarAhead(latest_override_end(now))
    clear_overrides(session, now)
    entry = HoursOverrideEntry(
        is_open=is_open,
        starts_at=now,
        ends_at=until,
        note=note,
        announcement=announcement,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def _check_texts(is_open: bool, note: str, announcement: str | None) -> None:
    if not note:
        raise InvalidOverrideText("note", "missing")
    if len(note) > TEXT_LENGTH:
        raise InvalidOverrideText("note", "too_long")
    if announcement is None:
        return
    if is_open:
        raise InvalidOverrideText("announcement", "while_open")
    if len(announcement) > TEXT_LENGTH:
        raise InvalidOverrideText("announcement", "too_long")


def clear_overrides(session: Session, now: datetime) -> int:
    """End every active override now; returns how many there were."""
    rows = session.scalars(select(HoursOverrideEntry).where(_active(now))).all()
    for row in rows:
        row.cleared_at = now
    return len(rows)


def opening_hours_at(session: Session, config: HoursConfig, now: datetime) -> OpeningHours:
    """The opening hours as they stand, overrides included."""
    return OpeningHours(config, active_overrides(session, now))
