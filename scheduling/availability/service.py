"""Who can take a callback (or an appointment) when: one model for both.

A counsellor's weekly windows are local times (Europe/Berlin by default); a counsellor without
windows is available whenever the line is open. Absences remove whole days, and a booked
video appointment (with its buffer) holds the counsellor for its time. Windows "nach
Vereinbarung" (by arrangement) lie outside the opening hours and only offer video
appointments; they do not limit the regular availability. The index is
loaded once per question (the next free slots, the counsellor to ring) and then answers in
memory, so that a search over weeks of slots stays cheap.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scheduling.appointments.models import Appointment, AppointmentState
from scheduling.availability.models import CounsellorAbsence, CounsellorWindow
from scheduling.hours.config import WEEKDAY_KEYS

_WINDOW = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)=(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class WeeklyWindow:
    weekday: int  # 0 = Monday
    opens: time
    closes: time

    def __str__(self) -> str:
        return f"{WEEKDAY_KEYS[self.weekday]}={self.opens:%H:%M}-{self.closes:%H:%M}"


def parse_window(text: str) -> WeeklyWindow:
    """ "mon=09:00-12:00" as staff type it; ValueError with the expected form."""
    match = _WINDOW.match(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r}: write a window as mon=09:00-12:00 (mon ... sun)")
    day, h1, m1, h2, m2 = match.groups()
    try:
        opens, closes = time(int(h1), int(m1)), time(int(h2), int(m2))
    except ValueError:
        raise ValueError(f"{text!r}: not a time of day") from None
    if opens >= closes:
        raise ValueError(f"{text!r}: must open before it closes on the same day")
    return WeeklyWindow(WEEKDAY_KEYS.index(day), opens, closes)


def set_windows(
    session: Session,
    counsellor_id: int,
    windows: Sequence[WeeklyWindow],
    *,
    by_arrangement: bool = False,
) -> None:
    """Replace the counsellor's weekly windows (none: all opening hours again), or their
    windows by arrangement (none: no appointments outside the opening hours)."""
    session.execute(
        delete(CounsellorWindow).where(
            CounsellorWindow.counsellor_id == counsellor_id,
            CounsellorWindow.by_arrangement == by_arrangement,
        )
    )
    for window in windows:
        session.add(
            CounsellorWindow(
                counsellor_id=counsellor_id,
                weekday=window.weekday,
                opens=window.opens,
                closes=window.closes,
                by_arrangement=by_arrangement,
            )
        )


def windows_of(
    session: Session, counsellor_id: int, *, by_arrangement: bool = False
) -> list[WeeklyWindow]:
    rows = session.scalars(
        select(CounsellorWindow)
        .where(
            CounsellorWindow.counsellor_id == counsellor_id,
            CounsellorWindow.by_arrangement == by_arrangement,
        )
        .order_by(CounsellorWindow.weekday, CounsellorWindow.opens)
    )
    return [WeeklyWindow(row.weekday, row.opens, row.closes) for row in rows]


def add_absence(
    session: Session,
    counsellor_id: int,
    first_day: date,
    last_day: date,
    now: datetime,
    note: str | None = None,
) -> None:
    if last_day < first_day:
        raise ValueError(f"--to {last_day} is before --from {first_day}")
    session.add(
        CounsellorAbsence(
            counsellor_id=counsellor_id,
            first_day=first_day,
            last_day=last_day,
            note=(note or "").strip()[:200] or None,
            created_at=now,
        )
    )


def absences_of(session: Session, counsellor_id: int, from_day: date) -> list[CounsellorAbsence]:
    return list(
        session.scalars(
            select(CounsellorAbsence)
            .where(
                CounsellorAbsence.counsellor_id == counsellor_id,
                CounsellorAbsence.last_day >= from_day,
            )
            .order_by(CounsellorAbsence.first_day)
        )
    )


class Availability:
    """Availability of a set of counsellors between two days, answered in memory."""

    def __init__(
        self,
        counsellor_ids: Iterable[int],
        windows: dict[int, dict[int, list[tuple[time, time]]]],
        absences: dict[int, list[tuple[date, date]]],
        tz: tzinfo,
        *,
        by_arrangement: dict[int, dict[int, list[tuple[time, time]]]] | None = None,
        busy: dict[int, list[tuple[datetime, datetime]]] | None = None,
    ) -> None:
        self.counsellor_ids = tuple(counsellor_ids)
        self._windows = windows
        self._absences = absences
        self._tz = tz
        self._by_arrangement = by_arrangement or {}
        self._busy = busy or {}  # per counsellor, sorted, not overlapping
        self._busy_starts = {
            cid: [start for start, _ in spans] for cid, spans in self._busy.items()
        }

    @classmethod
    def load(
        cls,
        session: Session,
        counsellor_ids: Sequence[int],
        first_day: date,
        tz: tzinfo,
        *,
        last_day: date | None = None,
        appointment_buffer: timedelta = timedelta(0),
    ) -> Availability:
        """Everything needed to answer for `first_day` on (up to `last_day`, if given);
        booked appointments hold their counsellor for their time plus the buffer."""
        windows: dict[int, dict[int, list[tuple[time, time]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        by_arrangement: dict[int, dict[int, list[tuple[time, time]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for row in session.execute(
            select(
                CounsellorWindow.counsellor_id,
                CounsellorWindow.weekday,
                CounsellorWindow.opens,
                CounsellorWindow.closes,
                CounsellorWindow.by_arrangement,
            ).where(CounsellorWindow.counsellor_id.in_(counsellor_ids))
        ):
            chosen = by_arrangement if row.by_arrangement else windows
            chosen[row.counsellor_id][row.weekday].append((row.opens, row.closes))
        absences: dict[int, list[tuple[date, date]]] = defaultdict(list)
        for row in session.execute(
            select(
                CounsellorAbsence.counsellor_id,
                CounsellorAbsence.first_day,
                CounsellorAbsence.last_day,
            ).where(
                CounsellorAbsence.counsellor_id.in_(counsellor_ids),
                CounsellorAbsence.last_day >= first_day,
            )
        ):
            absences[row.counsellor_id].append((row.first_day, row.last_day))
        return cls(
            counsellor_ids,
            dict(windows),
            dict(absences),
            tz,
            by_arrangement=dict(by_arrangement),
            busy=_booked_appointments(
                session, counsellor_ids, first_day, last_day, tz, appointment_buffer
            ),
        )

    def available(self, counsellor_id: int, start: datetime, end: datetime) -> bool:
        """Free for the whole of [start, end) by their windows, absences and appointments
        (the opening hours themselves are checked by whoever asks)."""
        local_start, local_end = start.astimezone(self._tz), end.astimezone(self._tz)
        if self._absent(counsellor_id, local_start.date()) or self.busy(counsellor_id, start, end):
            return False
        weekly = self._windows.get(counsellor_id)
        if not weekly:
            return True  # no windows of their own: the opening hours
        return _inside(weekly, local_start, local_end)

    def available_by_arrangement(self, counsellor_id: int, start: datetime, end: datetime) -> bool:
        """Inside one of their windows by arrangement, not absent, nothing booked then."""
        weekly = self._by_arrangement.get(counsellor_id)
        if not weekly:
            return False
        local_start, local_end = start.astimezone(self._tz), end.astimezone(self._tz)
        return (
            _inside(weekly, local_start, local_end)
            and not self._absent(counsellor_id, local_start.date())
            and not self.busy(counsellor_id, start, end)
        )

    def arrangement_windows(self, counsellor_id: int, weekday: int) -> list[tuple[time, time]]:
        return self._by_arrangement.get(counsellor_id, {}).get(weekday, [])

    def busy(self, counsellor_id: int, start: datetime, end: datetime) -> bool:
        """An appointment (with its buffer) overlaps [start, end)."""
        starts = self._busy_starts.get(counsellor_id)
        if not starts:
            return False
        index = bisect_left(starts, end) - 1  # the last span starting before `end`
        return index >= 0 and self._busy[counsellor_id][index][1] > start

    def _absent(self, counsellor_id: int, day: date) -> bool:
        return any(first <= day <= last for first, last in self._absences.get(counsellor_id, ()))

    def count_available(self, start: datetime, end: datetime) -> int:
        return sum(1 for cid in self.counsellor_ids if self.available(cid, start, end))

    def who(self, start: datetime, end: datetime) -> list[int]:
        return [cid for cid in self.counsellor_ids if self.available(cid, start, end)]


def _inside(
    weekly: dict[int, list[tuple[time, time]]], local_start: datetime, local_end: datetime
) -> bool:
    day = local_start.date()
    if local_end.date() != day and local_end.time() != time(0):
        return False
    closing = local_end.time() if local_end.date() == day else time.max
    return any(
        opens <= local_start.time() and closing <= closes
        for opens, closes in weekly.get(local_start.weekday(), ())
    )


def _booked_appointments(
    session: Session,
    counsellor_ids: Sequence[int],
    first_day: date,
    last_day: date | None,
    tz: tzinfo,
    buffer: timedelta,
) -> dict[int, list[tuple[datetime, datetime]]]:
    since = datetime.combine(first_day, time(0), tzinfo=tz) - timedelta(days=1)
    query = select(Appointment.counsellor_id, Appointment.start, Appointment.end).where(
        Appointment.state == AppointmentState.BOOKED,
        Appointment.end > since,
        Appointment.counsellor_id.in_(counsellor_ids),
    )
    if last_day is not None:
        until = datetime.combine(last_day, time(0), tzinfo=tz) + timedelta(days=2)
        query = query.where(Appointment.start < until)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in session.execute(query.order_by(Appointment.counsellor_id, Appointment.start)):
        busy[row.counsellor_id].append((row.start, row.end + buffer))
    return dict(busy)
