"""Who rang a leg the service placed, said by the leg itself.

A counsellor's phone is rung either for a caller waiting in line (a routing offer) or for a
callback's attempt. The status callback URL of the leg names its owner next to its work row
(`?work=42&leg=offer`), so the status webhook hands the report to that one domain instead of
asking each in turn whose leg it is.
"""

from __future__ import annotations

from enum import StrEnum


class LegOwner(StrEnum):
    OFFER = "offer"  # hotline.routing: a caller in line, the whisper names their case
    CALLBACK = "callback"  # scheduling.callbacks: an attempt of a booked callback


LEG_OWNERS = {owner.value: owner for owner in LegOwner}
