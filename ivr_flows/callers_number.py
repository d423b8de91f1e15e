"""The number a caller calls from, when it is shown and callable: a callback to it, a phone
appointment's call, an SMS and cancelling one's own phone appointment all ask the same, by the
one number policy (`callback_number`: not withheld, not premium-rate, not the hotline's own)."""

from __future__ import annotations

from hotline.telephony.phone_numbers import CallbackNumber, NumberRefused, callback_number
from ivr_flows.steps import StepContext, StepInput


def callers_own_number(ctx: StepContext, step: StepInput) -> CallbackNumber | None:
    if step.call.caller_withheld:
        return None
    shown = ctx.callbacks.caller_number(step.call.call_sid)
    if not shown:
        return None
    try:
        return callback_number(shown, hotline_number=ctx.hotline_number)
    except NumberRefused:
        return None
