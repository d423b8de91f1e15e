"""The figures of the statistics page for a range of local days: calls, waits, callbacks,
appointments and referrals.

Everything is counted by the database (GROUP BY, six queries whatever the range) and only the
sums come back: a few hundred rows for a year, not half a million calls. The local day is
worked out in SQL (see `local_days`), so the indexes on the timestamps choose the rows of the
range. Days without anything are filled in with zeros here, so that every series has one
entry per day of the range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from hotline.cases.models import Case
from hotline.db import epoch_seconds
from hotline.referrals.models import Referral, SupportOffer
from hotline.telephony.models import Call, CallDirection, CallOutcome
from scheduling.appointments.models import Appointment, AppointmentState
from scheduling.callbacks.models import Callback, CallbackAttempt, CallbackState
from scheduling.reports.local_days import LocalDays, days_between
from scheduling.reports.waits import NO_WAITS, WaitsInMonth, WaitsOnDay, WaitTimes, wait_times

T = TypeVar("T")

MAX_DAYS = 731  # two years: longer ranges would make the page slow, not more useful

ANSWERED = (CallOutcome.CONNECTED,)
ABANDONED = (
    CallOutcome.ABANDONED_IN_QUEUE,
    CallOutcome.HUNG_UP,
    CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT,
)
OUT_OF_HOURS = (CallOutcome.CLOSED_INFORMED,)
OTHER = 3  # the column of CallsOnDay (after the day) for every other outcome
CALL_COLUMNS: dict[str | None, int] = {
    **dict.fromkeys(ANSWERED, 0),
    **dict.fromkeys(ABANDONED, 1),
    **dict.fromkeys(OUT_OF_HOURS, 2),
}

# A callback is on time when its first attempt started within this of the booked slot (or,
# booked "as soon as possible", of the booking).
ON_TIME_AFTER_SLOT = timedelta(minutes=15)
ON_TIME_AFTER_BOOKING = timedelta(minutes=60)


class InvalidDateRange(ValueError):
    """The range asked for is empty, reversed or longer than MAX_DAYS."""


@dataclass(frozen=True)
class CallsOnDay:
    """Inbound calls that started on the day, by what came of them."""

    day: date
    answered: int
    abandoned: int  # left the queue, hung up after intake, or nobody accepted in time
    out_of_hours: int  # heard that the line is closed
    other: int  # everything else: ended in intake, callback or appointment chosen, ...

    @property
    def total(self) -> int:
        return self.answered + self.abandoned + self.out_of_hours + self.other


@dataclass(frozen=True)
class CallbacksOnDay:
    """Callbacks booked for the day (of their slot, or of the booking when "as soon as
    possible"); drafts that never got a time are not callbacks yet."""

    day: date
    booked: int  # all of them, whatever became of them
    done: int
    failed: int
    on_time: int  # done, and the first attempt started in time (see ON_TIME_*)


@dataclass(frozen=True)
class AppointmentsOnDay:
    """Video appointments starting on the day, by their state now."""

    day: date
    booked: int
    canceled: int


@dataclass(frozen=True)
class Tally:
    """How many of something fall under one key (a federal state, a category, a channel)."""

    key: str | None  # None: not recorded (a case without a federal state)
    count: int


@dataclass(frozen=True)
class Statistics:
    """What the hotline did from first_day to last_day (local days, both included)."""

    first_day: date
    last_day: date
    calls: tuple[CallsOnDay, ...]  # one per day of the range, in order
    waits: tuple[WaitsOnDay, ...]  # one per day of the range, in order
    waits_by_month: tuple[WaitsInMonth, ...]  # one per month the range touches, in order
    waits_overall: WaitTimes  # of the whole range (not a mean of the days)
    callbacks: tuple[CallbacksOnDay, ...]  # one per day of the range, in order
    appointments: tuple[AppointmentsOnDay, ...]  # one per day of the range, in order
    appointments_by_channel: tuple[Tally, ...]  # booked_via, booked and canceled alike
    referrals_by_state: tuple[Tally, ...]  # the case's federal state, most first
    referrals_by_category: tuple[Tally, ...]  # the offer's category, most first

    @property
    def days(self) -> list[date]:
        return days_between(self.first_day, self.last_day)


def load_statistics(session: Session, first_day: date, last_day: date, tz: ZoneInfo) -> Statistics:
    """The statistics of the local days first_day..last_day in `tz` (Europe/Berlin), read in
    the session's transaction. Raises InvalidDateRange for a reversed or too long range."""
    if last_day < first_day or (last_day - first_day).days >= MAX_DAYS:
        raise InvalidDateRange(
            f"{first_day}..{last_day}: the range must run forward and span at most {MAX_DAYS} days"
        )
    days = LocalDays(session.get_bind().dialect.name, tz, first_day, last_day)
    every_day = days_between(first_day, last_day)
    waits = wait_times(session, days)
    appointments, channels = _appointments(session, days)
    by_state, by_category = _referrals(session, first_day, last_day)
    return Statistics(
        first_day=first_day,
        last_day=last_day,
        calls=_per_day(every_day, _calls(session, days), CallsOnDay, 4),
        waits=tuple(WaitsOnDay(day, waits.by_day.get(day, NO_WAITS)) for day in every_day),
        waits_by_month=tuple(
            WaitsInMonth(month, waits.by_month.get(month, NO_WAITS)) for month in days.months
        ),
        waits_overall=waits.overall,
        callbacks=_per_day(every_day, _callbacks(session, days), CallbacksOnDay, 4),
        appointments=_per_day(every_day, appointments, AppointmentsOnDay, 2),
        appointments_by_channel=channels,
        referrals_by_state=by_state,
        referrals_by_category=by_category,
    )


def _per_day(
    every_day: list[date], counts: dict[date, list[int]], kind: type[T], width: int
) -> tuple[T, ...]:
    zeros = [0] * width
    return tuple(kind(day, *counts.get(day, zeros)) for day in every_day)


def _calls(session: Session, days: LocalDays) -> dict[date, list[int]]:
    """Inbound calls per day: answered, abandoned, out of hours, other."""
    day = days.number(Call.started_at).label("day")
    rows = session.execute(
        select(day, Call.outcome, func.count())
        .where(
            Call.direction == CallDirection.INBOUND,
            Call.started_at >= days.start,
            Call.started_at < days.end,
        )
        .group_by(day, Call.outcome)
    )
    counted: dict[date, list[int]] = {}
    for number, outcome, count in rows:
        figures = counted.setdefault(days.day_of(number), [0, 0, 0, 0])
        figures[CALL_COLUMNS.get(outcome, OTHER)] += count
    return counted


def _callbacks(session: Session, days: LocalDays) -> dict[date, list[int]]:
    """Callbacks per day of their slot: booked, done, failed, done on time."""
    dialect = days.dialect
    first = aliased(CallbackAttempt)
    planned = func.coalesce(Callback.slot_start, Callback.created_at)
    deadline = case(
        (
            Callback.slot_start.is_not(None),
            epoch_seconds(Callback.slot_start, dialect) + _seconds(ON_TIME_AFTER_SLOT),
        ),
        else_=epoch_seconds(Callback.created_at, dialect) + _seconds(ON_TIME_AFTER_BOOKING),
    )
    done = Callback.state == CallbackState.DONE
    day = days.number(planned).label("day")
    rows = session.execute(
        select(
            day,
            func.count(),
            func.count().filter(done),
            func.count().filter(Callback.state == CallbackState.FAILED),
            func.count().filter(done, epoch_seconds(first.started_at, dialect) <= deadline),
        )
        .select_from(Callback)
        .outerjoin(first, (first.callback_id == Callback.id) & (first.number == 1))
        .where(Callback.state != CallbackState.DRAFT, planned >= days.start, planned < days.end)
        .group_by(day)
    )
    return {days.day_of(number): list(counts) for number, *counts in rows}


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())


def _appointments(
    session: Session, days: LocalDays
) -> tuple[dict[date, list[int]], tuple[Tally, ...]]:
    """Appointments per day of their start (booked, canceled), and per booking channel."""
    day = days.number(Appointment.start).label("day")
    rows = session.execute(
        select(day, Appointment.booked_via, Appointment.state, func.count())
        .where(Appointment.start >= days.start, Appointment.start < days.end)
        .group_by(day, Appointment.booked_via, Appointment.state)
    ).all()
    columns = {AppointmentState.BOOKED: 0, AppointmentState.CANCELED: 1}
    per_day: dict[date, list[int]] = {}
    channels: dict[str, int] = {}
    for number, booked_via, state, count in rows:
        figures = per_day.setdefault(days.day_of(number), [0, 0])
        if state in columns:
            figures[columns[state]] += count
        channels[booked_via] = channels.get(booked_via, 0) + count
    return per_day, _most_first(channels)


def _referrals(
    session: Session, first_day: date, last_day: date
) -> tuple[tuple[Tally, ...], tuple[Tally, ...]]:
    """Referrals made in the range by the case's federal state and by the offer's category."""
    rows = session.execute(
        select(Case.federal_state, SupportOffer.category, func.count())
        .select_from(Referral)
        .join(Case, Referral.case_id == Case.id)
        .join(SupportOffer, Referral.offer_id == SupportOffer.id)
        .where(Referral.referred_on >= first_day, Referral.referred_on <= last_day)
        .group_by(Case.federal_state, SupportOffer.category)
    ).all()
    by_state: dict[Any, int] = {}
    by_category: dict[Any, int] = {}
    for state, category, count in rows:
        by_state[state] = by_state.get(state, 0) + count
        by_category[category] = by_category.get(category, 0) + count
    return _most_first(by_state), _most_first(by_category)


def _most_first(counts: dict[Any, int]) -> tuple[Tally, ...]:
    """Largest first; equal counts by key, the unknown last."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    return tuple(Tally(key, count) for key, count in ordered)
