"""One unit of work per transaction: the domain operations of one transaction, handed out by
one factory.

Every webhook request, scheduler job, console action and CLI command is one transaction. What
it may do there — queue a caller, book a callback, place one, move an appointment, change a
case — is an operation of a desk, and every desk needs the same things: the session, the
clock's now, the cipher, the configuration and who acts. `Units` is made once by a
composition root (create_app, the scheduler, the CLI) from the services; `Units.within` (for
a transaction already open, as the webhook's delivery record opens it) or
`Units.transaction` makes a `Unit`, and the unit makes each desk once, on first use, so the
desks share one view of the transaction instead of building each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property

from sqlalchemy.orm import Session

from hotline.abuse import challenges
from hotline.abuse.blocks import BlockDesk, BlockList
from hotline.abuse.bookings import BookingGuard
from hotline.abuse.hashing import CallerHasher
from hotline.abuse.screening import Verdict, screen_caller
from hotline.appointments.links import AppointmentLinks
from hotline.appointments.notices import Notices
from hotline.cases.changes import CaseDesk
from hotline.cases.referrals import ReferralDesk
from hotline.clock import Clock
from hotline.crypto import DataCipher
from hotline.db import Database
from hotline.outbox.kinds import WorkTools
from hotline.routing.desk import RoutingDesk
from hotline.routing.distributor import Distributor
from hotline.sections_config import SchedulingConfig
from scheduling.appointments.desk import AppointmentDesk
from scheduling.availability.booked_times import BookedTimes
from scheduling.callbacks.desk import CallbackDesk
from scheduling.callbacks.placing import CallbackPlacement
from scheduling.hours.opening_hours import OpeningHours
from scheduling.hours.overrides import opening_hours_at
from scheduling.retention.erasure import ErasureDesk


@dataclass(frozen=True)
class Units:
    """The factory of units: what every transaction's operations share, made once."""

    database: Database
    clock: Clock
    cipher: DataCipher
    config: SchedulingConfig
    links: AppointmentLinks
    hasher: CallerHasher
    # this process's cache of booked times, for slot listings only (see BookedTimes)
    listing_cache: BookedTimes | None = None
    # this process's copy of the active blocks, reloaded when they change (see BlockList)
    blocklist: BlockList = field(default_factory=BlockList, compare=False)

    @classmethod
    def of_tools(cls, tools: WorkTools) -> Units:
        """The scheduler's factory, from the tools its work kinds receive."""
        return cls(
            tools.database,
            tools.clock,
            tools.cipher,
            tools.scheduling,
            tools.appointment_links,
            tools.hasher,
        )

    def within(
        self, session: Session, *, now: datetime | None = None, actor: int | None = None
    ) -> Unit:
        """A unit in a transaction someone else opened (and commits)."""
        return Unit(self, session, now or self.clock.now(), actor)

    @contextmanager
    def transaction(
        self, *, now: datetime | None = None, actor: int | None = None
    ) -> Iterator[Unit]:
        """A transaction of its own, committed when the block ends without an error."""
        with self.database.transaction() as session:
            yield self.within(session, now=now, actor=actor)


class Unit:
    """The operations of one transaction; each desk made once, on first use.

    `actor` is the staff account acting (None for callers, the scheduler and the CLI); the
    case desks record it in the timeline and the audit log."""

    def __init__(self, units: Units, session: Session, now: datetime, actor: int | None) -> None:
        self.units = units
        self.session = session
        self.now = now
        self.actor = actor
        self.cipher = units.cipher
        self.config = units.config

    @property
    def timezone(self) -> tzinfo:
        return self.config.hours.timezone

    @cached_property
    def hours(self) -> OpeningHours:
        """The opening hours with today's overrides (read from the database once)."""
        return opening_hours_at(self.session, self.config.hours, self.now)

    def is_open(self) -> bool:
        """Open at `now`, the overrides read afresh: an admin's override made earlier in this
        transaction counts (routing asks this; `hours` is read once)."""
        hours = opening_hours_at(self.session, self.config.hours, self.now)
        return hours.status_at(self.now).is_open

    @cached_property
    def routing(self) -> RoutingDesk:
        return RoutingDesk(self)

    @cached_property
    def distributor(self) -> Distributor:
        return Distributor(self)

    @cached_property
    def callbacks(self) -> CallbackDesk:
        return CallbackDesk(self)

    @cached_property
    def placement(self) -> CallbackPlacement:
        return CallbackPlacement(self)

    @cached_property
    def appointments(self) -> AppointmentDesk:
        return AppointmentDesk(self)

    @cached_property
    def notices(self) -> Notices:
        """What a booking, move, cancellation or reminder sends, as work rows."""
        return Notices(self.session, self.now, self.cipher, self.config, self.units.links)

    @cached_property
    def cases(self) -> CaseDesk:
        return CaseDesk(self.session, self.now, self.actor, self.cipher)

    @cached_property
    def erasure(self) -> ErasureDesk:
        """A case erased on request, four eyes (DSGVO Art. 17)."""
        return ErasureDesk(self)

    @cached_property
    def referrals(self) -> ReferralDesk:
        return ReferralDesk(self.session, self.now, self.actor, self.cipher, self.timezone)

    @cached_property
    def blocks(self) -> BlockDesk:
        """Blocking callers, lifting and ending blocks (audited as `actor`)."""
        return BlockDesk(
            self.session,
            self.now,
            self.actor,
            self.cipher,
            self.units.hasher,
            self.config.abuse,
            self.timezone,
        )

    @cached_property
    def booking_guard(self) -> BookingGuard:
        """Open bookings per address and number, and no booking for a blocked number."""
        return BookingGuard(
            self.session, self.now, self.config.abuse, self.units.hasher, self.units.blocklist
        )

    def screen_caller(self, number_hashes: tuple[str, ...]) -> Verdict:
        """Blocked, too many calls, challenged in flood mode, or welcome."""
        return screen_caller(
            self.session, self.now, self.config.abuse, self.units.blocklist, number_hashes
        )

    def new_challenge_digits(self) -> str:
        """Random digits for flood mode's voice challenge (`[abuse] challenge_digits`)."""
        return challenges.new_digits(self.config.abuse.challenge_digits)

    def challenge_digits(self, call_sid: str) -> str | None:
        """The digits the call was asked to type last; None: it was asked none."""
        return challenges.expected_digits(self.session, call_sid)
