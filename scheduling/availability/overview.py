"""One counsellor's availability as the console's Verwaltung shows it: the weekly windows,
the windows by arrangement, and the absences not over yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from hotline.counsellors.service import counsellor_with_id
from scheduling.availability.service import WeeklyWindow, absences_of, windows_of


@dataclass(frozen=True)
class AbsenceLine:
    first_day: date
    last_day: date
    note: str | None


@dataclass(frozen=True)
class CounsellorTimes:
    counsellor_id: int
    name: str
    windows: list[WeeklyWindow]  # none: every opening hour
    arranged: list[WeeklyWindow]  # by arrangement, outside the opening hours
    absences: list[AbsenceLine]  # ending today or later, the first first


def counsellor_times(session: Session, counsellor_id: int, today: date) -> CounsellorTimes:
    """CounsellorNotFound when no counsellor has the id."""
    counsellor = counsellor_with_id(session, counsellor_id)
    return CounsellorTimes(
        counsellor.id,
        counsellor.name,
        windows_of(session, counsellor_id),
        windows_of(session, counsellor_id, by_arrangement=True),
        [
            AbsenceLine(absence.first_day, absence.last_day, absence.note)
            for absence in absences_of(session, counsellor_id, today)
        ],
    )
