"""Which counts of the anonymous export are hidden, so that no caller can be recognised.

A count from 1 to 4 is written as "<5" (primary suppression): where one, two or three people
called about a rare matter in a small federal state, they could be picked out. 0 stays 0.

That alone is not enough where the export holds two breakdowns of one total: referrals by
federal state and by category both add up to all referrals, and appointments per day and per
booking channel to all appointments. With the total known, a single hidden cell is the total
less the cells shown. There the smallest shown cell of the breakdown is hidden as well
(secondary suppression, as statistical offices do it), marked "x" because it is not small,
until no hidden small count can be worked out from the others: the sum of the hidden cells
must leave each of them more than one possible value. Where a breakdown has only small counts,
that cannot be done; then the other breakdowns of its total are left out of the export.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from hotline.reports.wording import CSV

MIN_COUNT = 5  # counts below this (and above 0) are never written
SMALL = CSV["suppressed.small"]  # "<5"
HIDDEN = CSV["suppressed.hidden"]  # "x": a count of 5 or more, hidden to protect a small one

K = TypeVar("K", bound=Hashable)


def count_cell(count: int) -> str:
    """A count as the export writes it when no other cell reveals it."""
    return SMALL if 0 < count < MIN_COUNT else str(count)


def protected_breakdowns(breakdowns: Sequence[Mapping[K, int]]) -> list[dict[K, str]]:
    """The cells of breakdowns of one total (each adds up to it), as the export writes them;
    an empty dict for a breakdown left out.

    The total is taken as known (a breakdown without hidden cells gives it away, and two
    with few can narrow it down to one value), so each breakdown is protected on its own.
    Where even hiding all of a breakdown's cells is not enough (all its counts are small),
    the other breakdowns, which would give the total away, are left out.
    """
    small = [{key for key, count in cells.items() if 0 < count < MIN_COUNT} for cells in breakdowns]
    hidden: list[set[K]] = [set() for _ in breakdowns]
    left_out: set[int] = set()
    for index, cells in enumerate(breakdowns):
        while len(breakdowns) - len(left_out) > 1 and _revealed(cells, small[index], hidden[index]):
            shown = [key for key, count in cells.items() if count >= MIN_COUNT]
            candidates = [key for key in shown if key not in hidden[index]]
            if not candidates:
                left_out |= set(range(len(breakdowns))) - {index}
                break
            hidden[index].add(min(candidates, key=lambda key: cells[key]))
    return [
        {}
        if index in left_out
        else {
            key: HIDDEN if key in hidden[index] else count_cell(count)
            for key, count in cells.items()
        }
        for index, cells in enumerate(breakdowns)
    ]


def _revealed(cells: Mapping[K, int], small: set[K], hidden: set[K]) -> bool:
    """Can one who knows the total work out a small hidden count? The small ones lie in
    1..4, the other hidden ones in 5.. (no upper bound); their sum is known."""
    if not small:
        return False
    others = len(small) - 1
    hidden_sum = sum(cells[key] for key in small | hidden)
    lowest = 1 if hidden else max(1, hidden_sum - (MIN_COUNT - 1) * others)
    highest = min(MIN_COUNT - 1, hidden_sum - others - MIN_COUNT * len(hidden))
    return lowest >= highest
