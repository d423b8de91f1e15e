"""Who is rung for whom in one round of the distributor: plain Python over the line and the
counsellors who are free.

The line is served in order. For each entry, the counsellors it may be offered to are the
free ones not already taken in this round who did not let it pass within
`repass_after_seconds`; of those, the ones who speak its language, or everyone once it has
waited `other_language_after_seconds` (at once when nobody on duty speaks it). `ring_all`
rings all of them for the entry (a callback: the longest idle one); `longest_idle` one at a
time, the longest idle first, another one after `next_after_seconds` while it still rings.
An entry that finds nobody leaves the free counsellors to the next one, so an English caller
waiting for an English speaker does not hold up the German callers behind; after the
language wait it takes anyone, so nobody is starved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.routing.config import RoutingConfig
from hotline.routing.line import EntryKind, InLine
from hotline.routing.states import Available


@dataclass(frozen=True)
class Ring:
    entry: InLine
    counsellor: Available


@dataclass(frozen=True)
class Round:
    rings: list[Ring]
    next_look: datetime | None  # when waiting alone may change what a round decides


def plan_round(
    line: Sequence[InLine],
    free: Sequence[Available],
    spoken_on_duty: frozenset[str],
    config: RoutingConfig,
    now: datetime,
) -> Round:
    """`free`: longest idle first; `spoken_on_duty`: the languages of everyone on duty."""
    left = list(free)
    rings: list[Ring] = []
    looks: list[datetime] = []
    repass = timedelta(seconds=config.repass_after_seconds)
    for entry in line:
        if not left:
            break
        passed_lately = {c for c, at in entry.passed.items() if at + repass > now}
        looks += [at + repass for c, at in entry.passed.items() if at + repass > now]
        candidates = [c for c in left if c.id not in passed_lately and c.id not in entry.rung]
        speakers = [c for c in candidates if entry.language in c.languages]
        language_wait = entry.since + timedelta(seconds=config.other_language_after_seconds)
        if now >= language_wait or entry.language not in spoken_on_duty:
            candidates = speakers + [c for c in candidates if c not in speakers]
        else:
            candidates = speakers
            looks.append(language_wait)
        chosen = _chosen(entry, candidates, config, now, looks)
        rings += [Ring(entry, counsellor) for counsellor in chosen]
        left = [c for c in left if c not in chosen]
    future = [at for at in looks if at > now]
    return Round(rings, min(future) if future else None)


def _chosen(
    entry: InLine,
    candidates: list[Available],
    config: RoutingConfig,
    now: datetime,
    looks: list[datetime],
) -> list[Available]:
    if not candidates:
        return []
    one_at_a_time = entry.kind == EntryKind.CALLBACK or config.strategy == "longest_idle"
    if not one_at_a_time:
        return candidates
    if entry.rung:
        if entry.kind == EntryKind.CALLBACK or entry.last_offer_at is None:
            return []
        next_at = entry.last_offer_at + timedelta(seconds=config.next_after_seconds)
        if now < next_at:
            looks.append(next_at)
            return []
    return candidates[:1]
