"""Floods: calls per number and hour, and flood mode, in which new callers first type the
digits they hear (`ivr_flows.abuse.challenge`) before they are queued.

Flood mode is switched by an admin (console or `hotline flood on|off`) or by the scheduler's
judge (`judge_flood`) when, within `[abuse] flood_window_minutes`, the share of withheld or
new numbers or the line's length rises above the configured level; the judge switches it off
again after `flood_calm_minutes` of calm, but never one an admin switched on. An admin who
switched it off is not overruled by the judge for `flood_calm_minutes`. Every switch is in
the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from hotline.abuse.config import AbuseConfig
from hotline.abuse.protection import ProtectionState, protection_state, write_protection
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.routing.line import waiting_callers
from hotline.telephony.models import Call, CallDirection

HOUR = timedelta(hours=1)
BY_HAND, BY_THRESHOLDS = "by_hand", "thresholds"

_CALLS: Table = Call.__table__  # type: ignore[assignment]
_CALLS_IN_THE_HOUR = select(func.count()).where(
    _CALLS.c.caller_hash.in_(bindparam("hashes", expanding=True)),
    _CALLS.c.started_at > bindparam("since"),
)


def calls_in_the_hour(session: Session, number_hashes: tuple[str, ...], now: datetime) -> int:
    """The calls from a number (by its hashes under every key) that began in the last hour,
    the one ringing now included."""
    return (
        session.connection()
        .execute(_CALLS_IN_THE_HOUR, {"hashes": list(number_hashes), "since": now - HOUR})
        .scalar_one()
    )


def switch_flood(
    session: Session, now: datetime, on: bool, *, by: int | None, automatic: bool = False
) -> bool:
    """Flood mode on or off; False when it was so already (nothing changes, nothing logged)."""
    state = protection_state(session)
    if state.flood_on == on:
        return False
    write_protection(
        session, flood_on=on, flood_since=now, flood_automatic=automatic, flood_calm_since=None
    )
    record(
        session,
        now,
        by,
        AuditAction.PROTECTION,
        message=AuditMessage.FLOOD_ON if on else AuditMessage.FLOOD_OFF,
        params={"how": BY_THRESHOLDS if automatic else BY_HAND},
    )
    return True


@dataclass(frozen=True)
class FloodSigns:
    """What the judge saw in the window."""

    calls: int
    withheld_or_new: int
    waiting: int

    def is_a_flood(self, config: AbuseConfig) -> bool:
        if self.waiting > config.flood_line_length:
            return True
        if self.calls < config.flood_min_calls:
            return False
        return self.withheld_or_new / self.calls > config.flood_withheld_share


def flood_signs(session: Session, now: datetime, config: AbuseConfig) -> FloodSigns:
    window_start = now - config.flood_window
    earlier = aliased(Call)
    seen_before = exists().where(
        earlier.caller_hash == Call.caller_hash,
        earlier.started_at < window_start,
        earlier.started_at >= now - config.new_number_period,
    )
    withheld_or_new = Call.caller_withheld | Call.caller_hash.is_(None) | ~seen_before
    calls, suspicious = session.execute(
        select(func.count(), func.count().filter(withheld_or_new)).where(
            Call.direction == CallDirection.INBOUND, Call.started_at >= window_start
        )
    ).one()
    waiting = session.scalar(select(func.count()).select_from(_CALLS).where(*waiting_callers()))
    return FloodSigns(calls, suspicious or 0, waiting or 0)


def judge_flood(session: Session, now: datetime, config: AbuseConfig) -> FloodSigns:
    """Switch flood mode by the thresholds (the scheduler's job, every few seconds)."""
    signs = flood_signs(session, now, config)
    state = protection_state(session)
    flood = signs.is_a_flood(config)
    if not state.flood_on:
        if flood and not _admin_said_off_lately(state, now, config):
            switch_flood(session, now, True, by=None, automatic=True)
        return signs
    if not state.flood_automatic:  # an admin's: only an admin ends it
        return signs
    if flood:
        if state.flood_calm_since is not None:
            write_protection(session, flood_calm_since=None)
    elif state.flood_calm_since is None:
        write_protection(session, flood_calm_since=now)
    elif now - state.flood_calm_since >= config.flood_calm:
        switch_flood(session, now, False, by=None, automatic=True)
    return signs


def _admin_said_off_lately(state: ProtectionState, now: datetime, config: AbuseConfig) -> bool:
    return (
        not state.flood_automatic
        and state.flood_since is not None
        and now - state.flood_since < config.flood_calm
    )
