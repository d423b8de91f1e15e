"""Kinds of work: a name, the plain Python handler that does it, and how to recover it.

Like the flow steps, kinds are listed explicitly and gathered into one table when the
scheduler starts (`scheduling.scheduler.kind_table`). A handler gets the claimed row and the tools
it may use (gateway, mailer, clock, database, cipher, settings); it returns `Done` or raises:
`WorkFailed` (or the gateway's and mailer's own errors) say whether a retry may pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hotline.abuse.hashing import CallerHasher
from hotline.appointments.links import AppointmentLinks
from hotline.by_name import ByName
from hotline.clock import Clock
from hotline.crypto import DataCipher
from hotline.db import Database
from hotline.mail.mailer import Mailer
from hotline.outbox.queue import ClaimedWork
from hotline.sections_config import SchedulingConfig
from hotline.telephony.gateway import OutboundGateway


class WorkFailed(Exception):
    """The attempt failed; `transient` says whether trying again later may succeed. The
    message is logged and stored: no personal data in it."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Done:
    """The work went out; `reference` names what came of it (a Call SID, a Message-ID)."""

    reference: str | None = None


@dataclass(frozen=True)
class WorkTools:
    """What handlers may use; the scheduler builds one set at start."""

    gateway: OutboundGateway
    mailer: Mailer
    clock: Clock
    database: Database
    cipher: DataCipher
    hasher: CallerHasher  # the keyed hashes of numbers and addresses (`hotline.abuse`)
    public_base_url: str
    hotline_number: str
    mail_from: str
    scheduling: SchedulingConfig  # hours, routing, callbacks: what timed work follows
    appointment_links: AppointmentLinks  # the addresses reminders put into their texts


Handler = Callable[[ClaimedWork, WorkTools], Done]


@dataclass(frozen=True)
class WorkKind:
    name: str
    handler: Handler
    # A repeat would be harmful (a phone rings twice): an attempt known to have gone out
    # (Twilio reported on it) is done, even if its process died before saying so.
    sent_counts_as_done: bool = False


class WorkKinds(ByName[WorkKind]):
    """The kinds of work by name."""

    def __init__(self, kinds: Sequence[WorkKind]) -> None:
        super().__init__(kinds, lambda kind: kind.name, "work kind")

    def sent_counts_as_done(self) -> tuple[str, ...]:
        return tuple(kind.name for kind in self if kind.sent_counts_as_done)
