"""The line's protection in words, as the console and the CLI say it alike
(`hotline/texts/protection.toml`)."""

from __future__ import annotations

from datetime import tzinfo

from hotline.abuse.blocks import NothingToBlock
from hotline.abuse.protection import ProtectionState
from hotline.texts import text, words

ENDED = words("protection.ended")


def cannot_block(refused: NothingToBlock, most: int) -> str:
    """Why a caller cannot be blocked (`most`: `[abuse] max_block_days`)."""
    return text(f"protection.cannot_block.{refused.why}", most=most)


def flood_words(state: ProtectionState, tz: tzinfo) -> str:
    """Whether flood mode is on, since when and how."""
    since = state.flood_since.astimezone(tz) if state.flood_since else None
    if state.flood_on and since is not None:
        how = "on_by_thresholds" if state.flood_automatic else "on_by_hand"
        return text(f"protection.flood.{how}", since=since)
    if since is not None:
        return text("protection.flood.off_since", since=since)
    return text("protection.flood.off")


def bookings_words(state: ProtectionState, tz: tzinfo) -> str:
    """Whether bookings are held for confirmation by e-mail link, and since when."""
    if state.bookings_held_since is None:
        return text("protection.bookings.direct")
    return text("protection.bookings.held", since=state.bookings_held_since.astimezone(tz))
