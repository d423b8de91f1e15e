"""The figures of the statistics page for a range of local days: calls, waits, callbacks,
appointments and referrals.

Everything is counted by the database (GROUP BY, a handful of queries whatever the range) and
only the sums come back. The calls and their waits, by far the most rows, are read from the
daily rollup for the days it holds (`rollup`: a few thousand rows for a year) and counted
live for the others (today, yesterday until it is final, days not rolled up yet); both give
the same figures. The local day is worked out in SQL (see `local_days`), so the indexes on
the timestamps choose the rows of the range. Days without anything are filled in with zeros
here, so that every series has one entry per day of the range.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from hotline.abuse.models import CallChallenge
from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import Callback, CallbackAttempt, CallbackState
from hotline.cases.models import Case
from hotline.database_kinds import kind_of
from hotline.referrals.models import Referral, SupportOffer
from hotline.reports.calls import CallCount, calls_by_outcome
from hotline.reports.local_days import LocalDays, days_between, stretches
from hotline.reports.rollup import rolled_up
from hotline.reports.waits import (
    NO_WAITS,
    Waits,
    WaitsInMonth,
    WaitsOnDay,
    WaitTimes,
    combined,
    wait_histograms,
    wait_times,
)
from hotline.telephony.models import Call, CallOutcome

T = TypeVar("T")

MAX_DAYS = 731  # two years: longer ranges would make the page slow, not more useful

# The parts of CallsOnDay (after the day), in order, and the outcomes each counts; every
# other outcome (and none) is "other". Out of hours is what the caller heard, whatever they
# booked then: the three out_of_hours_* parts add up to it.
CALL_PARTS: dict[str, tuple[CallOutcome, ...]] = {
    "answered": (CallOutcome.CONNECTED,),
    "abandoned": (CallOutcome.ABANDONED_IN_QUEUE, CallOutcome.HUNG_UP),
    "ended_after_max_wait": (CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT,),
    "out_of_hours_callback": (CallOutcome.CLOSED_CALLBACK_BOOKED,),
    "out_of_hours_appointment": (CallOutcome.APPOINTMENT_BOOKED,),
    "out_of_hours_nothing_booked": (CallOutcome.CLOSED_INFORMED,),
    # refused before the greeting (`hotline.abuse`): never queued, never in the service level
    "refused": (
        CallOutcome.BLOCKED,
        CallOutcome.TOO_MANY_CALLS,
        CallOutcome.CHALLENGE_FAILED,
    ),
    "other": (),
}
CALL_COLUMNS: dict[str | None, int] = {
    outcome: column for column, outcomes in enumerate(CALL_PARTS.values()) for outcome in outcomes
}
OTHER = list(CALL_PARTS).index("other")
OUT_OF_HOURS_PARTS = (
    "out_of_hours_callback",
    "out_of_hours_appointment",
    "out_of_hours_nothing_booked",
)

# A callback is on time when its first attempt started within this of the booked slot (or,
# booked "as soon as possible", of the booking).
ON_TIME_AFTER_SLOT = timedelta(minutes=15)
ON_TIME_AFTER_BOOKING = timedelta(minutes=60)


class InvalidDateRange(ValueError):
    """The range asked for is empty, reversed or longer than MAX_DAYS."""


@dataclass(frozen=True)
class CallsOnDay:
    """Inbound calls that started on the day, by what came of them (see CALL_PARTS)."""

    day: date
    answered: int
    abandoned: int  # the caller hung up while waiting, or after intake
    ended_after_max_wait: int  # nobody took it within the longest wait: the service ended it
    out_of_hours_callback: int  # heard that the line is closed, and booked a callback
    out_of_hours_appointment: int  # heard that the line is closed, and booked a video call
    out_of_hours_nothing_booked: int  # heard that the line is closed, and booked nothing
    refused: int  # a blocked number, too many calls, or flood mode's challenge failed
    other: int  # everything else: ended in intake, nobody on duty, a callback instead, ...

    @property
    def out_of_hours(self) -> int:
        """Every caller who heard that the line is closed, whatever they booked then."""
        return sum(getattr(self, part) for part in OUT_OF_HOURS_PARTS)

    @property
    def total(self) -> int:
        return sum(getattr(self, part) for part in CALL_PARTS)


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
    """Video appointments starting on the day, by their state now; `no_show`: of the booked,
    those staff marked as nobody came."""

    day: date
    booked: int
    canceled: int
    no_show: int = 0


@dataclass(frozen=True)
class ChallengesOnDay:
    """Calls asked in flood mode to type digits before the greeting (`hotline.abuse`), by
    the day they were asked: how many passed, how many failed (the rest hung up first). They
    are counted apart; only those who passed could join the line."""

    day: date
    asked: int
    passed: int
    failed: int


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
    challenges: tuple[ChallengesOnDay, ...] = ()  # one per day of the range, in order

    @property
    def challenged(self) -> int:
        return sum(day.asked for day in self.challenges)

    @property
    def challenges_failed(self) -> int:
        return sum(day.failed for day in self.challenges)

    @property
    def refused(self) -> int:
        return sum(day.refused for day in self.calls)

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
    days = LocalDays(kind_of(session), tz, first_day, last_day)
    _plan_for_the_range(session, days)
    every_day = days_between(first_day, last_day)
    calls, waits = _calls_and_waits(session, days, every_day)
    appointments, channels = _appointments(session, days)
    by_state, by_category = _referrals(session, first_day, last_day)
    return Statistics(
        first_day=first_day,
        last_day=last_day,
        calls=_per_day(every_day, calls, CallsOnDay, len(CALL_PARTS)),
        waits=tuple(WaitsOnDay(day, waits.by_day.get(day, NO_WAITS)) for day in every_day),
        waits_by_month=tuple(
            WaitsInMonth(month, waits.by_month.get(month, NO_WAITS)) for month in days.months
        ),
        waits_overall=waits.overall,
        callbacks=_per_day(every_day, _callbacks(session, days), CallbacksOnDay, 4),
        appointments=_per_day(every_day, appointments, AppointmentsOnDay, 3),
        appointments_by_channel=channels,
        referrals_by_state=by_state,
        referrals_by_category=by_category,
        challenges=_per_day(every_day, _challenges(session, days), ChallengesOnDay, 3),
    )


def _challenges(session: Session, days: LocalDays) -> dict[date, list[int]]:
    """Flood mode's challenges per day they were asked: asked, passed, failed."""
    day = days.number(CallChallenge.asked_at).label("day")
    refused = Call.outcome == CallOutcome.CHALLENGE_FAILED
    rows = session.execute(
        select(
            day,
            func.count(),
            func.count(CallChallenge.passed_at),
            func.count().filter(refused),
        )
        .select_from(CallChallenge)
        .outerjoin(Call, Call.call_sid == CallChallenge.call_sid)
        .where(CallChallenge.asked_at >= days.start, CallChallenge.asked_at < days.end)
        .group_by(day)
    )
    return {days.day_of(number): list(counts) for number, *counts in rows}


def _plan_for_the_range(session: Session, days: LocalDays) -> None:
    """Plan each query for the range asked, not once for any range. psycopg prepares a
    statement that has run five times on a connection, and PostgreSQL then soon plans it
    once for all parameters, guessing "a few rows" for any date range: a year of referrals is
    then joined to its cases by 20,000 index lookups, twice as slow as the hash join planned
    for the actual range. For the reading transaction only."""
    days.kind.plan_every_execution(session)


def _per_day(
    every_day: list[date], counts: dict[date, list[int]], kind: type[T], width: int
) -> tuple[T, ...]:
    zeros = [0] * width
    return tuple(kind(day, *counts.get(day, zeros)) for day in every_day)


def _calls_and_waits(
    session: Session, days: LocalDays, every_day: list[date]
) -> tuple[dict[date, list[int]], Waits]:
    """Inbound calls per day (the parts of CALL_PARTS) and their waits: of the rolled-up
    days from the rollup, of the others counted live, a stretch of days at a time (usually
    one: the last days of the range)."""
    rolled = rolled_up(session, every_day[0], every_day[-1], days.tz)
    if not rolled.days:
        return _grouped(calls_by_outcome(session, days)), wait_times(session, days)
    counted = list(rolled.calls)
    live_waits: dict[date, Counter[int]] = {}
    for first, last in stretches(day for day in every_day if day not in rolled.days):
        live = LocalDays(days.kind, days.tz, first, last)
        counted += calls_by_outcome(session, live)
        live_waits.update(wait_histograms(session, live))
    waits = combined(rolled.waits_by_day, rolled.wait_histograms_by_month, live_waits)
    return _grouped(counted), waits


def _grouped(calls: list[CallCount]) -> dict[date, list[int]]:
    counted: dict[date, list[int]] = {}
    for day, outcome, count in calls:
        figures = counted.setdefault(day, [0] * len(CALL_PARTS))
        figures[CALL_COLUMNS.get(outcome, OTHER)] += count
    return counted


def _callbacks(session: Session, days: LocalDays) -> dict[date, list[int]]:
    """Callbacks per day of their slot: booked, done, failed, done on time."""
    kind = days.kind
    first = aliased(CallbackAttempt)
    planned = func.coalesce(Callback.slot_start, Callback.created_at)
    deadline = case(
        (
            Callback.slot_start.is_not(None),
            kind.epoch_seconds(Callback.slot_start) + _seconds(ON_TIME_AFTER_SLOT),
        ),
        else_=kind.epoch_seconds(Callback.created_at) + _seconds(ON_TIME_AFTER_BOOKING),
    )
    done = Callback.state == CallbackState.DONE
    day = days.number(planned).label("day")
    rows = session.execute(
        select(
            day,
            func.count(),
            func.count().filter(done),
            func.count().filter(Callback.state == CallbackState.FAILED),
            func.count().filter(done, kind.epoch_seconds(first.started_at) <= deadline),
        )
        .select_from(Callback)
        .outerjoin(first, (first.callback_id == Callback.id) & (first.number == 1))
        .where(Callback.state != CallbackState.DRAFT, _planned_within(days))
        .group_by(day)
    )
    return {days.day_of(number): list(counts) for number, *counts in rows}


def _planned_within(days: LocalDays) -> ColumnElement[bool]:
    """The slot, or the booking of a callback without one, falls into the range: said of
    the columns rather than of coalesce(slot_start, created_at), of which PostgreSQL keeps
    no statistics. With them it expects a year's callbacks, not a few, and sums them up
    by hashing instead of sorting them first."""
    slot, booked = Callback.slot_start, Callback.created_at
    return or_(
        and_(slot >= days.start, slot < days.end),
        and_(slot.is_(None), booked >= days.start, booked < days.end),
    )


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())


def _appointments(
    session: Session, days: LocalDays
) -> tuple[dict[date, list[int]], tuple[Tally, ...]]:
    """Appointments per day of their start (booked, canceled, of the booked: nobody came),
    and per booking channel."""
    day = days.number(Appointment.start).label("day")
    no_show = Appointment.no_show_at.is_not(None).label("no_show")
    rows = session.execute(
        select(day, Appointment.booked_via, Appointment.state, no_show, func.count())
        .where(Appointment.start >= days.start, Appointment.start < days.end)
        .group_by(day, Appointment.booked_via, Appointment.state, no_show)
    ).all()
    columns = {AppointmentState.BOOKED: 0, AppointmentState.CANCELED: 1}
    per_day: dict[date, list[int]] = {}
    channels: dict[str, int] = {}
    for number, booked_via, state, nobody_came, count in rows:
        figures = per_day.setdefault(days.day_of(number), [0, 0, 0])
        if state in columns:
            figures[columns[state]] += count
        if nobody_came and state == AppointmentState.BOOKED:
            figures[2] += count
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
