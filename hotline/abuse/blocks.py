"""Blocking a caller: from a case or a call, for a number of days, with a reason; listed,
lifted, and ended by the scheduler when their time is over. Every change is audited.

A block holds the number's keyed hash, never the number: the number is read (decrypted) from
the call only to hash it. A withheld number has nothing to block (`NothingToBlock`); floods
of withheld calls are what flood mode is for (`hotline.abuse.flood`).

Every worker keeps the active blocks in memory (`BlockList`) and reloads them only when the
protection row's counter moved: the check on every incoming call is one HMAC per key and a
dictionary lookup.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.abuse.config import AbuseConfig
from hotline.abuse.hashing import CallerHasher
from hotline.abuse.models import BlockEnd, CallerBlock
from hotline.abuse.protection import note_blocks_changed
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.cases.models import Case
from hotline.cases.references import InvalidCaseReference, normalise_case_reference
from hotline.crypto import DataCipher
from hotline.sentences import local_time
from hotline.telephony.models import Call, CallDirection


class NothingToBlock(ValueError):
    """What staff named cannot be blocked; `why` is a code the console and the CLI put into
    words: no_case, no_call, withheld, unreadable, too_long, no_reason."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class ListedBlock:
    id: int
    case_reference: str | None
    reason: str | None  # None: unreadable with the configured data keys
    created_at: datetime
    created_by: int | None
    expires_at: datetime
    ended_at: datetime | None
    ended_how: str | None
    key_id: str


class BlockDesk:
    """The blocks of one transaction (`unit.blocks`); `actor` the staff account (None: CLI)."""

    def __init__(
        self,
        session: Session,
        now: datetime,
        actor: int | None,
        cipher: DataCipher,
        hasher: CallerHasher,
        config: AbuseConfig,
        tz: tzinfo,
    ) -> None:
        self.session = session
        self.now = now
        self.actor = actor
        self.cipher = cipher
        self.hasher = hasher
        self.config = config
        self.tz = tz

    # --- blocking ---------------------------------------------------------------------
    def block_case_caller(self, typed_reference: str, days: int | None, reason: str) -> int:
        """The number of the case's latest call that showed one."""
        try:
            reference = normalise_case_reference(typed_reference)
        except InvalidCaseReference:
            raise NothingToBlock("no_case") from None
        case_id = self.session.scalar(select(Case.id).where(Case.reference == reference))
        if case_id is None:
            raise NothingToBlock("no_case")
        calls = self.session.execute(
            select(Call.caller_number_encrypted)
            .where(Call.case_id == case_id, Call.direction == CallDirection.INBOUND)
            .order_by(Call.started_at.desc(), Call.id.desc())
        ).scalars()
        tokens = [token for token in calls if token is not None]
        if not tokens:
            raise NothingToBlock("withheld")
        return self._block(tokens[0], case_id, days, reason)

    def block_call_caller(self, call_sid: str, days: int | None, reason: str) -> int:
        row = self.session.execute(
            select(Call.caller_number_encrypted, Call.case_id, Call.direction).where(
                Call.call_sid == call_sid.strip()
            )
        ).one_or_none()
        if row is None or row.direction != CallDirection.INBOUND:
            raise NothingToBlock("no_call")
        if row.caller_number_encrypted is None:
            raise NothingToBlock("withheld")
        return self._block(row.caller_number_encrypted, row.case_id, days, reason)

    def _block(self, token: bytes, case_id: int | None, days: int | None, reason: str) -> int:
        days = self.config.block_days if days is None else days
        if not 1 <= days <= self.config.max_block_days:
            raise NothingToBlock("too_long")
        reason = reason.strip()
        if not reason:
            raise NothingToBlock("no_reason")
        number = self.cipher.decrypt_or_none(token)
        if number is None:  # stored under a data key no longer configured
            raise NothingToBlock("unreadable")
        block = CallerBlock(
            number_hash=self.hasher.number(number),
            key_id=self.hasher.newest_key_id,
            case_id=case_id,
            reason_encrypted=self.cipher.encrypt(reason[:500]),
            created_at=self.now,
            created_by=self.actor,
            expires_at=self.now + timedelta(days=days),
        )
        self.session.add(block)
        self.session.flush()
        note_blocks_changed(self.session)
        self._audit(
            AuditMessage.CALLER_BLOCKED,
            case_id,
            id=block.id,
            until=local_time(block.expires_at, self.tz),
        )
        return block.id

    # --- lifting and expiry -----------------------------------------------------------
    def lift(self, block_id: int) -> bool:
        """False when there is no such block or it ended already."""
        block = self.session.get(CallerBlock, block_id)
        if block is None or not block.is_active(self.now):
            return False
        self._end(block, BlockEnd.LIFTED)
        block.lifted_by = self.actor
        self._audit(AuditMessage.BLOCK_LIFTED, block.case_id, id=block.id)
        return True

    def expire(self) -> int:
        """End every block whose time is over (their hashes are dropped); how many."""
        due = list(
            self.session.scalars(
                select(CallerBlock).where(
                    CallerBlock.ended_at.is_(None), CallerBlock.expires_at <= self.now
                )
            )
        )
        for block in due:
            self._end(block, BlockEnd.EXPIRED, at=block.expires_at)
            self._audit(AuditMessage.BLOCK_EXPIRED, block.case_id, id=block.id)
        return len(due)

    def _end(self, block: CallerBlock, how: BlockEnd, at: datetime | None = None) -> None:
        block.ended_at = at or self.now
        block.ended_how = how
        block.number_hash = None  # nothing left to match: the hash goes with the block
        note_blocks_changed(self.session)

    # --- reading ----------------------------------------------------------------------
    def listing(self, *, with_ended: bool = False, limit: int = 500) -> list[ListedBlock]:
        query = (
            select(CallerBlock, Case.reference)
            .outerjoin(Case, Case.id == CallerBlock.case_id)
            .order_by(CallerBlock.created_at.desc(), CallerBlock.id.desc())
            .limit(limit)
        )
        if not with_ended:
            query = query.where(CallerBlock.ended_at.is_(None))
        return [
            ListedBlock(
                block.id,
                reference,
                self.cipher.decrypt_or_none(block.reason_encrypted)
                if block.reason_encrypted
                else "",
                block.created_at,
                block.created_by,
                block.expires_at,
                block.ended_at,
                block.ended_how,
                block.key_id,
            )
            for block, reference in self.session.execute(query)
        ]

    def expires_at(self, block_id: int) -> datetime:
        block = self.session.get(CallerBlock, block_id)
        assert block is not None
        return block.expires_at

    def active_until(self, case_id: int) -> datetime | None:
        """Until when the case's caller is blocked (the latest of its active blocks)."""
        return self.session.scalar(
            select(CallerBlock.expires_at)
            .where(
                CallerBlock.case_id == case_id,
                CallerBlock.ended_at.is_(None),
                CallerBlock.expires_at > self.now,
            )
            .order_by(CallerBlock.expires_at.desc())
            .limit(1)
        )

    def _audit(self, message: AuditMessage, case_id: int | None, **params: object) -> None:
        record(
            self.session,
            self.now,
            self.actor,
            AuditAction.PROTECTION,
            case_id=case_id,
            message=message,
            params=params,
        )


class BlockList:
    """This worker's copy of the active blocks: hash → end. Reloaded when the protection
    row's counter differs from the one it was loaded at."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._ends: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def is_blocked(
        self, session: Session, version: int, hashes: tuple[str, ...], now: datetime
    ) -> bool:
        if version != self._version:
            self._reload(session, version, now)
        ends = self._ends
        return any((end := ends.get(value)) is not None and end > now for value in hashes)

    def _reload(self, session: Session, version: int, now: datetime) -> None:
        rows = session.execute(
            select(CallerBlock.number_hash, CallerBlock.expires_at).where(
                CallerBlock.ended_at.is_(None),
                CallerBlock.number_hash.is_not(None),
                CallerBlock.expires_at > now,
            )
        ).all()
        ends: dict[str, datetime] = {}
        for number_hash, expires_at in rows:
            ends[number_hash] = max(expires_at, ends.get(number_hash, expires_at))
        with self._lock:
            self._ends, self._version = ends, version
