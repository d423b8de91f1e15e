"""Phone appointments through the closed menu (issue 25), walked as whole calls over signed
HTTP: booked with key 4 (the date read back twice), offered to a landline caller who chose
video, and cancelled by phone with the case number — only from the number it calls."""

from __future__ import annotations

from hotline.appointments.models import AppointmentKind, AppointmentState, BookedVia
from hotline.telephony.call_log import find_call
from hotline.telephony.models import CallOutcome
from tests.support.appointments import appointments
from tests.support.times import berlin

SILENCE = "-"
CLOSED = [SILENCE, SILENCE]  # language, no case number: the closed menu follows
LANDLINE = "+4922855512345"
OTHER_LANDLINE = "+4922855599999"
MONDAY_TEN = "am Montag, dem 30. November, um 10 Uhr"


def spoken_reference(reference: str) -> str:
    return f"{' '.join(reference[:4])}, {' '.join(reference[4:])}"


def test_key_4_books_a_phone_appointment_read_back_twice(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday
    transcript = simulate_call([*CLOSED, "4", "2"], caller=LANDLINE)
    assert transcript.application_errors == []
    assert transcript.said("Für einen Telefontermin, an dem wir Sie zu einer vereinbarten Zeit")
    assert transcript.said("Wir haben diese Zeiten für einen Telefontermin frei")
    assert transcript.said(
        f"Ihr Telefontermin ist gebucht: {MONDAY_TEN}. Noch einmal: {MONDAY_TEN}."
    )
    assert transcript.said("von dieser Nummer an und drücken Sie im Menü die 5.")
    assert transcript.said("Auf Wiederhören")
    (row,) = appointments(svc)
    assert row.kind == AppointmentKind.PHONE and row.booked_via == BookedVia.PHONE
    assert row.start == berlin(2026, 11, 30, 10)
    assert svc.cipher.decrypt(row.phone_encrypted) == LANDLINE
    with svc.database.transaction() as session:
        call = find_call(session, transcript.call_sid)
        assert call.outcome == CallOutcome.APPOINTMENT_BOOKED and call.case_id == row.case_id
        reference = call.case.reference
    assert transcript.said(f"Ihre Fallnummer ist {spoken_reference(reference)}.")


def test_a_landline_that_chose_video_takes_the_phone_appointment_offered(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([*CLOSED, "2", "1", "2"], caller=LANDLINE)
    assert transcript.said("Auf ein Festnetztelefon können wir Ihnen keinen Link")
    (row,) = appointments(svc)
    assert row.kind == AppointmentKind.PHONE and row.start == berlin(2026, 11, 30, 10)


def test_a_withheld_number_cannot_book_a_phone_appointment_and_hears_the_ways_out(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([*CLOSED, "4"], caller="anonymous")
    assert transcript.said("Ihre Nummer ist unterdrückt oder nicht erreichbar.")
    assert transcript.said("Notruf 1 1 0") and appointments(svc) == []


def test_cancelled_by_phone_with_the_case_number_only_from_its_own_number(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    booked = simulate_call([*CLOSED, "4", "2"], caller=LANDLINE)
    with svc.database.transaction() as session:
        reference = find_call(session, booked.call_sid).case.reference
    clock.set(berlin(2026, 11, 29, 20, 0))  # Sunday evening, closed
    stranger = simulate_call([*CLOSED, "5", reference, reference], caller=OTHER_LANDLINE)
    assert stranger.spoken_text.count("finden wir keinen Telefontermin") == 2
    assert appointments(svc)[0].state == AppointmentState.BOOKED
    kept = simulate_call([*CLOSED, "5", reference, SILENCE], caller=LANDLINE)
    tomorrow = "morgen, Montag, den 30. November, um 10 Uhr"
    assert kept.said(f"Ihr Telefontermin: {tomorrow}. Um ihn abzusagen, drücken Sie die 1.")
    assert kept.said("Ihr Telefontermin bleibt bestehen.")
    assert appointments(svc)[0].state == AppointmentState.BOOKED
    # the case number typed at the start links the call: key 5 reads it back at once
    canceled = simulate_call([SILENCE, reference, "5", "1"], caller=LANDLINE)
    assert canceled.said("Ihr Telefontermin ist abgesagt.")
    assert appointments(svc)[0].state == AppointmentState.CANCELED
