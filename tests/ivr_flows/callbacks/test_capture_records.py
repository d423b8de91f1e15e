"""Booking a callback by phone, as plain functions: the number and the booking are recorded
by the step and written by the runner; only the seat in a slot is a decision the database
makes (another caller may have taken the last one)."""

from __future__ import annotations

from datetime import timedelta

from hotline.cases.references import display_case_reference
from hotline.telephony.models import CallOutcome
from hotline.telephony.phone_numbers import callback_number
from ivr_flows import offered_times
from ivr_flows.callbacks import capture
from ivr_flows.prompts import prompts
from ivr_flows.records import CallbackConfirmationSms, CallbackInLine, CallbackNumberTaken
from scheduling.callbacks.desk import Booked
from scheduling.callbacks.slots import Slot
from tests.support.steps import HOTLINE, NOW, Reads, step_context, step_input

MOBILE = "+4915123456789"
LANDLINE = "+492281234567"
REFERENCE = "12345678"
DRAFT = 5
GERMAN = prompts("de")
SATURDAY_TEN = NOW + timedelta(days=2)
SLOTS = [Slot(SATURDAY_TEN, SATURDAY_TEN + timedelta(minutes=15), 2, 2)]


def _number(shown: str):
    return callback_number(shown, hotline_number=HOTLINE)


def test_a_typed_number_is_read_back_and_recorded_to_be_held_while_the_caller_confirms():
    result = capture.typed(step_context(), step_input("015123456789", via="closed"))
    assert "callback/confirm?via=closed&amp;attempt=1&amp;typed=1" in str(result.twiml)
    assert result.effects.records == (CallbackNumberTaken(_number("015123456789")),)


def test_a_number_confirmed_in_line_is_booked_for_now_and_confirmed_by_sms_to_a_mobile():
    result = capture.confirm(
        step_context(callbacks=Reads(caller_number=MOBILE)),
        step_input("1", via="queue", case_reference=REFERENCE),
    )
    sms = GERMAN.text("sms.callback_asap", reference=display_case_reference(REFERENCE))
    assert result.effects.records == (
        CallbackNumberTaken(_number(MOBILE)),
        CallbackInLine(),  # the callback the number just taken is held on
        CallbackConfirmationSms(sms),
    )
    heard = str(result.twiml)
    assert GERMAN.text("callback.booked_asap") in heard
    assert GERMAN.text("callback.sms_sent") in heard
    assert result.effects.outcome == CallOutcome.CALLBACK_REQUESTED


def test_a_landline_confirmed_in_line_gets_no_sms_and_hears_none_promised():
    result = capture.confirm(
        step_context(callbacks=Reads(caller_number=LANDLINE)),
        step_input("1", via="queue", case_reference=REFERENCE),
    )
    assert result.effects.records == (CallbackNumberTaken(_number(LANDLINE)), CallbackInLine())
    assert GERMAN.text("callback.sms_sent") not in str(result.twiml)


def test_a_number_confirmed_out_of_hours_is_recorded_and_the_free_times_are_offered():
    result = capture.confirm(
        step_context(callbacks=Reads(caller_number=MOBILE, free_slots=SLOTS)),
        step_input("1", via="closed"),
    )
    assert result.effects.records == (CallbackNumberTaken(_number(MOBILE)),)
    heard = str(result.twiml)
    assert GERMAN.text("callback.choose_time") in heard
    assert f"slots={offered_times.encoded([SATURDAY_TEN])}" in heard


def test_a_time_taken_books_the_seat_itself_and_records_the_sms_confirmation():
    booked = Booked(DRAFT, SATURDAY_TEN, REFERENCE, by_sms=True)
    seats = []
    desk = Reads(
        draft_of=DRAFT,
        book=lambda callback_id, start: seats.append((callback_id, start)) or True,
        booked=booked,
    )
    result = capture.book(
        step_context(callbacks=desk),
        step_input("1", via="closed", slots=offered_times.encoded([SATURDAY_TEN])),
    )
    assert seats == [(DRAFT, SATURDAY_TEN)]  # the decision: a seat, or "just taken"
    (sms,) = result.effects.records
    assert isinstance(sms, CallbackConfirmationSms) and sms.callback_id == DRAFT
    assert display_case_reference(REFERENCE) in sms.text
    assert result.effects.outcome == CallOutcome.CLOSED_CALLBACK_BOOKED


def test_a_time_another_caller_took_a_moment_ago_is_said_and_the_free_times_offered_again():
    later = SATURDAY_TEN + timedelta(minutes=15)
    desk = Reads(
        draft_of=DRAFT,
        book=False,
        free_slots=[Slot(later, later + timedelta(minutes=15), 1, 1)],
    )
    result = capture.book(
        step_context(callbacks=desk),
        step_input("1", via="closed", slots=offered_times.encoded([SATURDAY_TEN])),
    )
    heard = str(result.twiml)
    assert GERMAN.text("callback.slot_taken") in heard
    assert f"slots={offered_times.encoded([later])}" in heard
    assert result.effects.records == ()
