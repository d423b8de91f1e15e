"""Every kind of work the scheduler knows, gathered once when it starts."""

from __future__ import annotations

from hotline.cases.referrals import CASEWORK_WORK
from hotline.outbox.kinds import WorkKinds
from hotline.outbox.side_effects import SIDE_EFFECTS
from scheduling.appointments.reminders import APPOINTMENT_WORK
from scheduling.scheduler.routing_work import ROUTING_WORK


def build_work_kinds() -> WorkKinds:
    return WorkKinds([*SIDE_EFFECTS, *ROUTING_WORK, *APPOINTMENT_WORK, *CASEWORK_WORK])
