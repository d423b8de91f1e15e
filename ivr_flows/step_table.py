"""The steps of every flow, gathered once at app start (no registration by import)."""

from __future__ import annotations

from ivr_flows.abuse import challenge
from ivr_flows.appointments import phone_menu, video_booking
from ivr_flows.callbacks import calls as callback_calls
from ivr_flows.callbacks import capture as callback_capture
from ivr_flows.cases import intake
from ivr_flows.hours import out_of_hours
from ivr_flows.routing import route, waiting, whisper
from ivr_flows.steps import StepTable


def build_step_table() -> StepTable:
    return StepTable(
        [
            *intake.STEPS,
            *challenge.STEPS,
            *route.STEPS,
            *waiting.STEPS,
            *whisper.STEPS,
            *out_of_hours.STEPS,
            *callback_capture.STEPS,
            *callback_calls.STEPS,
            *video_booking.STEPS,
            *phone_menu.STEPS,
        ]
    )
