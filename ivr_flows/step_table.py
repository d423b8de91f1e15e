"""The steps of every flow, gathered once at app start (no registration by import)."""

from __future__ import annotations

from ivr_flows import (
    callback_calls,
    callback_capture,
    intake,
    out_of_hours,
    routing,
    video_booking,
    waiting,
    whisper,
)
from ivr_flows.steps import StepTable


def build_step_table() -> StepTable:
    return StepTable(
        [
            *intake.STEPS,
            *routing.STEPS,
            *waiting.STEPS,
            *whisper.STEPS,
            *out_of_hours.STEPS,
            *callback_capture.STEPS,
            *callback_calls.STEPS,
            *video_booking.STEPS,
        ]
    )
