"""What the routing desk and the distributor read of the unit of work that makes them.

The unit (`scheduling.unit.Unit`) lives above the core; routing is core. It states here the
little it needs of time and of callbacks, and the unit provides it: whether the service is
open at the unit's moment, and the placement that rings a counsellor for a callback holding a
place in line.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

from hotline.crypto import DataCipher
from hotline.sections_config import SchedulingConfig

if TYPE_CHECKING:
    from hotline.routing.distributor import Distributor


class CallbackRinging(Protocol):
    def ring_in_line(self, callback_id: int, counsellor_id: int, number: str) -> None:
        """Ring the counsellor for the callback that reached the head of the line."""


class RoutingUnit(Protocol):
    session: Session
    now: datetime
    cipher: DataCipher
    config: SchedulingConfig

    def is_open(self) -> bool:
        """Open at `now`, with the overrides as they stand in this transaction."""
        ...

    @property
    def placement(self) -> CallbackRinging: ...

    @property
    def distributor(self) -> Distributor: ...
