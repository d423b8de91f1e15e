"""What an incoming call meets before the greeting: a blocked number and a number that
called too often are refused; in flood mode every new caller is challenged first.

Refused callers hear a short neutral sentence, the e-mail address and 110
(`ivr_flows.abuse.gate`); nothing says why, and nothing about them is logged.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from hotline.abuse.blocks import BlockList
from hotline.abuse.config import AbuseConfig
from hotline.abuse.flood import calls_in_the_hour
from hotline.abuse.protection import screen_state


class Verdict(StrEnum):
    WELCOME = "welcome"
    BLOCKED = "blocked"
    TOO_MANY_CALLS = "too_many_calls"
    CHALLENGE = "challenge"


def screen_caller(
    session: Session,
    now: datetime,
    config: AbuseConfig,
    blocks: BlockList,
    number_hashes: tuple[str, ...],
) -> Verdict:
    """`number_hashes`: the caller's number under every hash key; () when withheld."""
    flood_on, blocks_version = screen_state(session)
    if number_hashes:
        if blocks.is_blocked(session, blocks_version, number_hashes, now):
            return Verdict.BLOCKED
        if calls_in_the_hour(session, number_hashes, now) > config.calls_per_hour:
            return Verdict.TOO_MANY_CALLS
    if flood_on:
        return Verdict.CHALLENGE
    return Verdict.WELCOME
