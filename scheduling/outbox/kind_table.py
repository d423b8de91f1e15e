"""Every kind of work the scheduler knows, gathered once when it starts."""

from __future__ import annotations

from scheduling.appointments.reminders import APPOINTMENT_WORK
from scheduling.casework.referrals import CASEWORK_WORK
from scheduling.outbox.kinds import WorkKinds
from scheduling.outbox.side_effects import SIDE_EFFECTS
from scheduling.routing.work import ROUTING_WORK


def build_work_kinds() -> WorkKinds:
    return WorkKinds([*SIDE_EFFECTS, *ROUTING_WORK, *APPOINTMENT_WORK, *CASEWORK_WORK])
