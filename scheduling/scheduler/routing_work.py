"""The scheduler's work for the line: placing a callback, and looking at the line again.

`place_callback` falls due at a callback's time; one that holds a caller's place in line is
left to the distributor, which is asked at once. `distribute` rows are queued by the
distributor for the moment waiting alone changes something (a language wait, a repass, the
end of a wrap-up or of an appointment).
"""

from __future__ import annotations

from hotline.callbacks.work import PLACE_CALLBACK
from hotline.outbox.kinds import Done, WorkKind, WorkTools
from hotline.outbox.queue import ClaimedWork
from hotline.routing.distributor import DISTRIBUTE
from scheduling.callbacks.placing import IN_LINE
from scheduling.unit import Units


def do_place_callback(item: ClaimedWork, tools: WorkTools) -> Done:
    with Units.of_tools(tools).transaction() as unit:
        outcome = unit.placement.place(
            int(item.payload["callback_id"]), int(item.payload["attempt"])
        )
        if outcome == IN_LINE:
            unit.distributor.distribute()
    return Done(outcome)


def do_distribute(_item: ClaimedWork, tools: WorkTools) -> Done:
    with Units.of_tools(tools).transaction() as unit:
        distributed = unit.distributor.distribute()
    return Done(f"{len(distributed.rings)} rung")


ROUTING_WORK = (
    WorkKind(PLACE_CALLBACK, do_place_callback),
    WorkKind(DISTRIBUTE, do_distribute),
)
