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
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hotline.availability.models import CounsellorAbsence, CounsellorWindow
from hotline.clock import years_later
from hotline.hours.config import WEEKDAY_KEYS
from hotline.texts import text as catalog_text
from scheduling.availability.booked_times import BookedTimes

# Absences are holidays, training, parental leave: known at most a couple of years ahead. A
# typo such as 9999 must not take a counsellor off every callback for good.
ABSENCE_YEARS_AHEAD = 2
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
        raise ValueError(catalog_text("availability.refused.form", window=text))
    day, h1, m1, h2, m2 = match.groups()
    try:
        opens, closes = time(int(h1), int(m1)), time(int(h2), int(m2))
    except ValueError:
        raise ValueError(catalog_text("availability.refused.no_time", window=text)) from None
    if opens >= closes:
        raise ValueError(catalog_text("availability.refused.order", window=text))
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


class AbsenceTooFarAhead(ValueError):
    """The absence would end after `latest`, two years from now."""

    def __init__(self, latest: date) -> None:
        super().__init__(f"an absence ends at most two years ahead: by {latest:%Y-%m-%d}")
        self.latest = latest


def latest_absence_day(now: datetime) -> date:
    """The last day an absence noted at `now` may end on."""
    return years_later(now.date(), ABSENCE_YEARS_AHEAD)


def add_absence(
    session: Session,
    counsellor_id: int,
    first_day: date,
    last_day: date,
    now: datetime,
    note: str | None = None,
) -> None:
    """ValueError when it ends before it begins, AbsenceTooFarAhead when it ends more than
    two years ahead."""
    if last_day < first_day:
        raise ValueError(
            catalog_text("availability.refused.absence_backwards", last=last_day, first=first_day)
        )
    if last_day > latest_absence_day(now):
        raise AbsenceTooFarAhead(latest_absence_day(now))
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
    """Availability of a set of counsellors between two days, answered in memory.

    Booked appointments are kept as whole seconds since 1970 (sorted per counsellor, not
    overlapping), read so from the database: a month of a full calendar is thousands of rows,
    and datetimes would cost more to fetch and compare than the whole answer.
    """

    def __init__(
        self,
        counsellor_ids: Iterable[int],
        windows: dict[int, dict[int, list[tuple[time, time]]]],
        absences: dict[int, list[tuple[date, date]]],
        tz: tzinfo,
        *,
        by_arrangement: dict[int, dict[int, list[tuple[time, time]]]] | None = None,
        busy: dict[int, tuple[list[int], list[int]]] | None = None,
    ) -> None:
        self.counsellor_ids = tuple(counsellor_ids)
        self._windows = windows
        self._absences = absences
        self._tz = tz
        self._by_arrangement = by_arrangement or {}
        spans = busy or {}
        self._busy_starts = {cid: starts for cid, (starts, _) in spans.items()}
        self._busy_ends = {cid: ends for cid, (_, ends) in spans.items()}
        # "is anyone free?" asks the least booked first: in a full calendar it finds one sooner
        self._least_booked_first = sorted(
            self.counsellor_ids, key=lambda cid: (len(self._busy_starts.get(cid, ())), cid)
        )

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
        booked_times: BookedTimes | None = None,
    ) -> Availability:
        """Everything needed to answer for `first_day` on (up to `last_day`, if given);
        booked appointments hold their counsellor for their time plus the buffer (read
        through `booked_times`, a cache, when one is given: for listings, never bookings)."""
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
            {cid: dict(days) for cid, days in windows.items()},
            dict(absences),
            tz,
            by_arrangement={cid: dict(days) for cid, days in by_arrangement.items()},
            busy=(booked_times or BookedTimes()).load(
                session, counsellor_ids, first_day, last_day, tz, appointment_buffer
            ),
        )

    def fitting(
        self,
        start: datetime,
        end: datetime,
        *,
        held_until: datetime | None = None,
        in_hours: bool = True,
        by_arrangement: bool = False,
        first_only: bool = False,
        among: Iterable[int] | None = None,
        per_day: int = 0,
        excluding: Collection[int] = (),
        at_most: int = 0,
    ) -> list[int]:
        """Counsellors free for [start, end): not absent, nothing booked before `held_until`
        (default `end`), and inside their weekly windows (`in_hours`: the opening hours are
        checked by whoever asks) or their windows by arrangement. `first_only` stops at the
        first (is anyone free?); `among` asks about some counsellors only; `per_day` (> 0)
        leaves out whoever has that many appointments on the local day already; `excluding`
        leaves out those counsellors; `at_most` (> 0) stops when that many are found (the
        least booked first, as `first_only`, which is `at_most=1`)."""
        local_start, local_end = start.astimezone(self._tz), end.astimezone(self._tz)
        day, weekday = local_start.date(), local_start.weekday()
        since, until = int(start.timestamp()), int((held_until or end).timestamp())
        if first_only:
            at_most = 1
        if among is None:
            among = self._least_booked_first if at_most else self.counsellor_ids
        day_span = self._day_span(day) if per_day else (0, 0)
        found = []
        for cid in among:
            if cid in excluding:
                continue
            absences = self._absences.get(cid)
            if absences and any(first <= day <= last for first, last in absences):
                continue
            if self._busy_between(cid, since, until):
                continue
            if per_day and self._booked_on(cid, day_span) >= per_day:
                continue
            if in_hours:
                weekly = self._windows.get(cid)
                fits = not weekly or _inside(weekly.get(weekday), local_start, local_end)
            else:
                fits = False
            if not fits and by_arrangement:
                arranged = self._by_arrangement.get(cid)
                fits = bool(arranged) and _inside(arranged.get(weekday), local_start, local_end)
            if fits:
                found.append(cid)
                if len(found) == at_most:
                    break
        return found

    def available(self, counsellor_id: int, start: datetime, end: datetime) -> bool:
        """Free for the whole of [start, end) by their windows, absences and appointments
        (the opening hours themselves are checked by whoever asks)."""
        return bool(self.fitting(start, end, among=(counsellor_id,)))

    def arrangement_windows(self, counsellor_id: int, weekday: int) -> list[tuple[time, time]]:
        return self._by_arrangement.get(counsellor_id, {}).get(weekday, [])

    def count_available(self, start: datetime, end: datetime) -> int:
        return len(self.fitting(start, end))

    def _day_span(self, day: date) -> tuple[int, int]:
        """The local day as seconds since 1970 [midnight, next midnight)."""
        midnight = datetime.combine(day, time(0), tzinfo=self._tz)
        following = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self._tz)
        return int(midnight.timestamp()), int(following.timestamp())

    def _booked_on(self, counsellor_id: int, span: tuple[int, int]) -> int:
        """Appointments of the counsellor beginning within `span` (loaded for the range)."""
        starts = self._busy_starts.get(counsellor_id)
        if not starts:
            return 0
        return bisect_left(starts, span[1]) - bisect_left(starts, span[0])

    def _busy_between(self, counsellor_id: int, since: int, until: int) -> bool:
        starts = self._busy_starts.get(counsellor_id)
        if not starts:
            return False
        index = bisect_left(starts, until) - 1  # the last span starting before `until`
        return index >= 0 and self._busy_ends[counsellor_id][index] > since


def _inside(
    windows: list[tuple[time, time]] | None, local_start: datetime, local_end: datetime
) -> bool:
    """[local_start, local_end) lies within one of the day's windows."""
    if not windows:
        return False
    day = local_start.date()
    if local_end.date() != day and local_end.time() != time(0):
        return False
    opening = local_start.time()
    closing = local_end.time() if local_end.date() == day else time.max
    return any(opens <= opening and closing <= closes for opens, closes in windows)
