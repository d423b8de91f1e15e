"""Times read to a caller, one key each, carried in the next step's URL (minutes since the
epoch): what the caller heard is what the keys mean, even if other times have freed up since.
Callbacks and video appointments offer their times alike."""

from __future__ import annotations

from datetime import UTC, datetime

from twilio.twiml.voice_response import Gather

from ivr_flows.prompts import PromptCatalog
from ivr_flows.speech import as_sentence_start, spoken_slot
from ivr_flows.steps import StepContext

MOST = 9  # one key each


def encoded(starts: list[datetime]) -> str:
    return ".".join(str(int(start.timestamp() // 60)) for start in starts)


def decoded(raw: str) -> list[datetime]:
    starts = []
    for part in raw.split(".")[:MOST]:
        if part.isascii() and part.isdigit() and len(part) <= 10:
            starts.append(datetime.fromtimestamp(int(part) * 60, UTC))
    return starts


def by_key(pressed: str, offered: list[datetime]) -> datetime | None:
    """The time of key 1, 2, ... (None for any other key)."""
    if not pressed.isascii() or not pressed.isdigit() or not 1 <= int(pressed) <= len(offered):
        return None
    return offered[int(pressed) - 1]


def gather_choice(
    ctx: StepContext,
    catalog: PromptCatalog,
    starts: list[datetime],
    *,
    path: str,
    attempt: int,
    option_prompt: str,
    **carried: str,
) -> Gather:
    """One key per time ("Am Montag, dem 30. November, um 9 Uhr: drücken Sie die 1."), the
    times carried in the next step's URL (with `carried`, what else that step needs); the
    caller appends further options if any."""
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=8,
        action=ctx.url(path, slots=encoded(starts), attempt=attempt, **carried),
        action_on_empty_result=True,
    )
    for key, start in enumerate(starts, start=1):
        when = spoken_slot(start, ctx.now, catalog.lang, tz=ctx.hours_config.timezone)
        catalog.say(gather, option_prompt, when=as_sentence_start(when), digit=key)
    return gather
