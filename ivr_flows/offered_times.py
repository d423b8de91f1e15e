"""Times read to a caller, one key each, carried in the next step's URL (minutes since the
epoch): what the caller heard is what the keys mean, even if other times have freed up since.
Callbacks and video appointments offer their times alike."""

from __future__ import annotations

from datetime import UTC, datetime

from twilio.twiml.voice_response import Gather

from hotline.inputs import LAST_YEAR, bounded_integer_or_none
from ivr_flows.prompts import PromptCatalog
from ivr_flows.speech import as_sentence_start, spoken_slot
from ivr_flows.steps import StepContext

MOST = 9  # one key each
# minutes since 1970 up to the last year the hotline works with (a later one is no slot)
LAST_MINUTE = int(datetime(LAST_YEAR, 12, 31, tzinfo=UTC).timestamp() // 60)


def encoded(starts: list[datetime]) -> str:
    return ".".join(str(int(start.timestamp() // 60)) for start in starts)


def decoded(raw: str) -> list[datetime]:
    starts = []
    for part in raw.split(".")[:MOST]:
        minute = bounded_integer_or_none(part, least=0, most=LAST_MINUTE)
        if minute is not None:
            starts.append(datetime.fromtimestamp(minute * 60, UTC))
    return starts


def by_key(pressed: str, offered: list[datetime]) -> datetime | None:
    """The time of key 1, 2, ... (None for any other key)."""
    key = bounded_integer_or_none(pressed, most=len(offered)) if offered else None
    return offered[key - 1] if key is not None else None


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
