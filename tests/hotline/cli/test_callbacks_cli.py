"""Counsellors' availability and the booked callbacks, as staff handle them on the command
line; what they set changes the times callers are offered."""

from __future__ import annotations

from hotline.callbacks.models import CallbackState
from hotline.simulator import EventKind
from tests.support.callbacks import SATURDAY_BOOKING, CallbackDriver
from tests.support.times import berlin
from tests.support.twilio import CALLER

SATURDAY = berlin(2026, 11, 28, 11, 0)


def book_on_saturday(simulate_call, clock, keys=SATURDAY_BOOKING):
    clock.set(SATURDAY)
    return simulate_call(keys)


def test_weekly_windows_are_set_shown_and_reset(hotline):
    hotline("counsellor", "add", "Mia", "--phone", "0228 1234567")
    shown = hotline("counsellor", "availability", "Mia")
    assert shown.exit_code == 0 and "Mia: alle Öffnungszeiten" in shown.output
    changed = hotline("counsellor", "availability", "Mia", "mon=10:00-12:00", "WED=13:00-16:00")
    assert changed.exit_code == 0, changed.output
    assert "Mia: mon=10:00-12:00 wed=13:00-16:00" in changed.output
    assert "mon=10:00-12:00" in hotline("counsellor", "availability", "Mia").output
    reset = hotline("counsellor", "availability", "Mia", "--default")
    assert "Mia: alle Öffnungszeiten" in reset.output


def test_availability_mistakes_get_clear_messages(hotline):
    hotline("counsellor", "add", "Mia", "--phone", "0228 1234567")
    bad = hotline("counsellor", "availability", "Mia", "monday 10-12")
    assert bad.exit_code == 2 and "mon=09:00-12:00" in bad.output
    backwards = hotline("counsellor", "availability", "Mia", "mon=12:00-10:00")
    assert backwards.exit_code == 2 and "vor dem Ende liegen" in backwards.output
    both = hotline("counsellor", "availability", "Mia", "mon=10:00-12:00", "--default")
    assert both.exit_code == 2
    unknown = hotline("counsellor", "availability", "Nobody")
    assert unknown.exit_code == 1 and "keine Berater:in namens 'Nobody'" in unknown.output
    to_before_from = hotline(
        "counsellor", "absent", "Mia", "--from", "2026-12-10", "--to", "2026-12-01"
    )
    assert to_before_from.exit_code == 2 and "liegt vor --from" in to_before_from.output


def test_windows_and_absences_decide_the_times_offered(
    hotline, simulate_call, clock, create_counsellor
):
    create_counsellor("Anna")
    assert hotline("counsellor", "availability", "Anna", "mon=10:00-12:00").exit_code == 0
    transcript = book_on_saturday(simulate_call, clock, ["-", "-", "1", "1", "q"])
    assert transcript.said("Am Montag, dem 30. November, um 10 Uhr: drücken Sie die 1.")
    assert not transcript.said("um 9 Uhr: drücken")
    absent = hotline(
        "counsellor",
        "absent",
        "Anna",
        "--from",
        "2026-11-30",
        "--to",
        "2026-11-30",
        "--note",
        "Fortbildung",
    )
    assert absent.exit_code == 0 and "abwesend vom 30.11.2026 bis 30.11.2026" in absent.output
    assert "(Fortbildung)" in hotline("counsellor", "availability", "Anna").output
    hotline("counsellor", "availability", "Anna", "--default")
    transcript = book_on_saturday(simulate_call, clock, ["-", "-", "1", "1", "q"])
    assert transcript.said("Am Dienstag, dem 1. Dezember, um 9 Uhr: drücken Sie die 1.")


def test_callbacks_are_listed_with_masked_numbers_and_canceled(
    hotline, simulate_call, clock, create_counsellor, twilio, svc, dispatcher, fake_twilio
):
    create_counsellor("Anna")
    book_on_saturday(simulate_call, clock)
    driver = CallbackDriver(twilio, svc, dispatcher, fake_twilio)
    callback = driver.callback()
    reference = driver.case_reference(callback.case_id)
    listing = hotline("callbacks", "list")
    assert listing.exit_code == 0
    assert "30.11.2026 09:00" in listing.output and "gebucht" in listing.output
    assert f"{reference[:4]} {reference[4:]}" in listing.output
    assert CALLER not in listing.output and "+49151••••••89" in listing.output
    assert "30.11.2026" in hotline("callbacks", "list", "--day", "2026-11-30").output
    assert (
        "keine Rückrufe am 01.12.2026" in hotline("callbacks", "list", "--day", "2026-12-01").output
    )
    assert "keine Rückrufe" in hotline("callbacks", "list", "--state", "failed").output

    canceled = hotline("callbacks", "cancel", str(callback.id))
    assert canceled.exit_code == 0 and "abgesagt" in canceled.output
    after = driver.callback()
    assert after.state == CallbackState.CANCELED and after.number_encrypted is None
    assert "(gelöscht)" in hotline("callbacks", "list").output
    again = hotline("callbacks", "cancel", str(callback.id))
    assert again.exit_code == 1 and "ist nicht mehr offen" in again.output
    clock.set(berlin(2026, 11, 30, 9, 0))
    assert driver.ring() == []  # a canceled callback is not placed


def test_a_canceled_place_is_offered_again(hotline, simulate_call, clock, create_counsellor):
    create_counsellor("Anna")
    book_on_saturday(simulate_call, clock)
    taken = book_on_saturday(simulate_call, clock, ["-", "-", "1", "1", "q"])
    assert taken.said("Am Montag, dem 30. November, um 9 Uhr 15: drücken Sie die 1.")
    hotline("callbacks", "cancel", "1")
    freed = book_on_saturday(simulate_call, clock, ["-", "-", "1", "1", "q"])
    assert freed.said("Am Montag, dem 30. November, um 9 Uhr: drücken Sie die 1.")
    assert not freed.of_kind(EventKind.ENQUEUE)


def test_the_callers_leg_of_a_callback_is_logged_and_deleted_at_twilio_with_its_case(
    hotline, simulate_call, clock, create_counsellor, twilio, svc, dispatcher, fake_twilio
):
    """The leg to the official (a `<Number>` dialled from the counsellor's leg) reports its
    end and is logged as that leg's child, without a number; erasing the case asks Twilio
    to delete its record too, not only the counsellor's leg (issue 26)."""
    from hotline.staff.models import StaffRole
    from hotline.telephony.call_log import find_call
    from tests.support.callbacks import DIALLED_SID
    from tests.support.staff import add_staff

    create_counsellor("Anna")
    book_on_saturday(simulate_call, clock)
    driver = CallbackDriver(twilio, svc, dispatcher, fake_twilio)
    clock.set(berlin(2026, 11, 30, 9, 0))
    (leg,) = driver.ring()
    driver.answer(leg)
    dial = driver.press_at_whisper(leg, "1")
    assert 'statusCallback="https://' in dial and 'statusCallbackEvent="completed"' in dial
    driver.dial_ends(leg, "completed")
    driver.caller_leg_ends(leg)
    driver.press_after_call(leg, "1")
    driver.status(leg, "completed")
    with svc.database.transaction() as session:
        child = find_call(session, DIALLED_SID)
        assert child.parent_call_sid == leg.sid and child.direction == "outbound-dial"
        assert child.caller_number_encrypted is None
    reference = driver.case_reference(driver.callback().case_id)
    for email in ("erste@example.org", "zweite@example.org"):
        add_staff(svc, clock, email, StaffRole.ADMIN)
    erased = hotline(
        "cases", "erase", reference, "--reason", "Antrag vom 30.11.",
        "--requested-by", "erste@example.org", "--confirmed-by", "zweite@example.org",
    )  # fmt: skip
    assert erased.exit_code == 0, erased.output
    driver.ring()  # the scheduler carries out the deletions
    assert {DIALLED_SID, leg.sid} <= set(fake_twilio.deleted_records("Calls"))
