"""Booked appointments as the availability model reads them: per counsellor, the starts and
the ends (+ buffer) in seconds since 1970, in time order.

A month of a full calendar is thousands of rows, the largest part of answering "which slots
are free?". Listings (the API, the booking page) read through a `BookedTimes` kept by the
app: it first reads the one-row version that every booking, move and cancellation raises in
its transaction (`note_booked_times_changed`) and reloads only when that moved. The version is
read before the times, so a booking committed in between makes the next listing reload
rather than keep a stale answer. Bookings never use the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from hotline.appointments.models import Appointment, AppointmentState, AppointmentsVersion
from hotline.database_kinds import kind_of
from hotline.db import integers_of

_APPOINTMENTS: Table = Appointment.__table__  # type: ignore[assignment]
_VERSION: Table = AppointmentsVersion.__table__  # type: ignore[assignment]
BusyTimes = dict[int, tuple[list[int], list[int]]]
KEPT_RANGES = 16  # distinct (counsellors, days) asked about; a few in practice


class BookedTimes:
    """Loads booked times; keeps the last few answers when `cached` (one per app)."""

    def __init__(self, *, cached: bool = False) -> None:
        self._cached = cached
        self._answers: OrderedDict[tuple[Any, ...], tuple[int | None, BusyTimes]] = OrderedDict()
        self._lock = threading.Lock()

    def load(
        self,
        session: Session,
        counsellor_ids: Sequence[int],
        first_day: date,
        last_day: date | None,
        tz: tzinfo,
        buffer: timedelta,
    ) -> BusyTimes:
        if not self._cached:
            return _load(session, counsellor_ids, first_day, last_day, tz, buffer)
        key = (tuple(counsellor_ids), first_day, last_day, str(tz), buffer)
        fingerprint = _version(session)
        if fingerprint is None:  # nothing booked since the table was made: nothing to trust
            return _load(session, counsellor_ids, first_day, last_day, tz, buffer)
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None and kept[0] == fingerprint:
                self._answers.move_to_end(key)
                return kept[1]
        busy = _load(session, counsellor_ids, first_day, last_day, tz, buffer)
        with self._lock:
            self._answers[key] = (fingerprint, busy)
            self._answers.move_to_end(key)
            while len(self._answers) > KEPT_RANGES:
                self._answers.popitem(last=False)
        return busy


def _in_range(
    query: Any, counsellor_ids: Sequence[int], first_day: date, last_day: date | None, tz: tzinfo
) -> Any:
    table = _APPOINTMENTS
    since = datetime.combine(first_day, time(0), tzinfo=tz) - timedelta(days=2)
    query = query.where(
        table.c.start >= since,  # (an appointment is shorter than a day)
        table.c.counsellor_id.in_(counsellor_ids),
    )
    if last_day is not None:
        until = datetime.combine(last_day, time(0), tzinfo=tz) + timedelta(days=2)
        query = query.where(table.c.start < until)
    return query


def _version(session: Session) -> int | None:
    return session.connection().execute(select(_VERSION.c.number)).scalar_one_or_none()


def _load(
    session: Session,
    counsellor_ids: Sequence[int],
    first_day: date,
    last_day: date | None,
    tz: tzinfo,
    buffer: timedelta,
) -> BusyTimes:
    """Per counsellor: the starts and the ends (+ buffer) in seconds since 1970, in order."""
    # The database gathers each counsellor's times into one value (30 rows, not 3,000).
    connection = session.connection()
    kind = kind_of(session)
    table = _APPOINTMENTS
    query = select(
        table.c.counsellor_id,
        kind.grouped_integers(kind.epoch_seconds(table.c.start)),
        kind.grouped_integers(kind.epoch_seconds(table.c.end)),
    ).where(table.c.state == AppointmentState.BOOKED)
    query = _in_range(query, counsellor_ids, first_day, last_day, tz)
    query = query.group_by(table.c.counsellor_id)
    held = int(buffer.total_seconds())
    busy: BusyTimes = {}
    for counsellor_id, grouped_starts, grouped_ends in connection.execute(query):
        starts = integers_of(grouped_starts)
        ends = [end + held for end in integers_of(grouped_ends)]
        if any(later < earlier for earlier, later in pairwise(starts)):
            pairs = sorted(zip(starts, ends, strict=True))
            starts, ends = [start for start, _ in pairs], [end for _, end in pairs]
        busy[counsellor_id] = (starts, ends)
    return busy
