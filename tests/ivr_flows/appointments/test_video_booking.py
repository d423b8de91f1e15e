"""Video appointments booked by phone out of hours (key 2 of the closed menu), walked as whole
calls through signed HTTP with the simulator; the SMS's manage link then takes the e-mail
address on the page, and the invitation follows."""

from __future__ import annotations

import re

from hotline.appointments.models import BookedVia
from hotline.telephony.call_log import find_call
from hotline.telephony.models import CallOutcome
from tests.support.appointments import appointments, local_path
from tests.support.times import berlin

SILENCE = "-"
VIDEO = [SILENCE, SILENCE, "2"]  # language, no case number, 2 = video in the closed menu
LANDLINE = "+4922855512345"


def assert_ended_politely(transcript) -> None:
    assert transcript.application_errors == []
    assert all(200 <= record.status < 300 for record in transcript.requests)
    assert transcript.said("Auf Wiederhören")


def sms_sent(transcript) -> list[str]:
    return [e.text for e in transcript.counsellor_events if e.attributes["what"] == "sms"]


def test_a_mobile_caller_takes_a_slot_by_key_and_gets_the_manage_link_by_sms(
    simulate_call, clock, svc, client, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday
    transcript = simulate_call([*VIDEO, "2"])
    assert_ended_politely(transcript)
    assert transcript.said("Am Montag, dem 30. November, um 9 Uhr: drücken Sie die 1.")
    assert transcript.said("Am Montag, dem 30. November, um 10 Uhr: drücken Sie die 2.")
    assert transcript.said("Am Montag, dem 30. November, um 11 Uhr: drücken Sie die 3.")
    assert transcript.said("Ihr Videotermin ist gebucht: am Montag, dem 30. November, um 10 Uhr.")
    assert transcript.said("Sie bekommen gleich eine SMS mit einem Link.")
    (row,) = appointments(svc)
    assert row.booked_via == BookedVia.PHONE and row.email_encrypted is None
    assert row.start == berlin(2026, 11, 30, 10)
    assert svc.cipher.decrypt(row.phone_encrypted) == "+4915123456789"
    with svc.database.transaction() as session:
        call = find_call(session, transcript.call_sid)
        assert call.case_id == row.case_id
        assert call.outcome == CallOutcome.APPOINTMENT_BOOKED
    (sms,) = sms_sent(transcript)
    manage_url = re.search(r"https://\S+", sms).group(0)
    assert "E-Mail-Adresse ergänzen" in sms
    # the official adds their address on the manage page (with its CSRF token)
    page = client.get(local_path(manage_url))
    assert page.status_code == 200 and "E-Mail-Adresse ergänzen" in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    added = client.post(
        local_path(manage_url) + "/email",
        data={"csrf_token": token, "email": "buergermeisterin@example.org"},
    )
    assert added.status_code == 303
    (row,) = appointments(svc)
    assert svc.cipher.decrypt(row.email_encrypted) == "buergermeisterin@example.org"
    assert "E-Mail-Adresse ergänzen" not in client.get(local_path(manage_url)).get_data(
        as_text=True
    )


def test_a_landline_caller_hears_the_web_address_and_the_reference_twice(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    # offered a phone appointment first (issue 25), the caller keeps to video with 2
    transcript = simulate_call([*VIDEO, "2", "1"], caller=LANDLINE)
    assert_ended_politely(transcript)
    assert transcript.said("Für einen Telefontermin drücken Sie die 1.")
    assert transcript.said("hotline.example.org Schrägstrich termin")
    (row,) = appointments(svc)
    with svc.database.transaction() as session:
        reference = find_call(session, transcript.call_sid).case.reference
    spoken = f"{' '.join(reference[:4])}, {' '.join(reference[4:])}"
    assert transcript.said(f"Ihre Fallnummer ist {spoken}. Noch einmal: {spoken}.")
    assert sms_sent(transcript) == []
    assert row.phone_is_mobile is False


def test_wrong_keys_end_with_the_web_address_and_book_nothing(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([*VIDEO, "7", "8", "9"])
    assert_ended_politely(transcript)
    assert transcript.said("Diese Eingabe haben wir leider nicht verstanden.")
    assert transcript.said("Einen Videotermin buchen Sie auf unserer Webseite")
    assert appointments(svc) == []


def test_without_free_slots_the_caller_hears_so_and_the_ways_out(simulate_call, clock, svc):
    clock.set(berlin(2026, 11, 28, 11, 0))  # no counsellors at all
    transcript = simulate_call(VIDEO)
    assert_ended_politely(transcript)
    assert transcript.said("Leider ist in den nächsten Wochen kein Videotermin mehr frei.")
    assert transcript.said("In akuter Gefahr wählen Sie bitte den Notruf 1 1 0.")
    assert appointments(svc) == []


def test_a_phone_booking_without_an_address_downloads_as_publish(
    simulate_call, clock, client, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([*VIDEO, "1"])
    (sms,) = sms_sent(transcript)
    manage_url = re.search(r"https://\S+", sms).group(0)
    ics = client.get(local_path(manage_url) + "/termin.ics")
    assert ics.status_code == 200
    assert ics.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    text = ics.get_data(as_text=True)
    assert "METHOD:PUBLISH" in text and "ATTENDEE" not in text


def test_other_days_step_on_to_the_first_free_times_of_a_later_day(
    simulate_call, clock, svc, create_counsellor
):
    """The first three times are one morning; 0 ("andere Zeiten") offers the next day's,
    and again the day after, so a caller who cannot on Monday morning still books by phone."""
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday
    transcript = simulate_call([*VIDEO, "0", "0", "3"])
    assert_ended_politely(transcript)
    assert transcript.said("Für Zeiten an einem anderen Tag drücken Sie die 0.")
    assert transcript.said("Am Dienstag, dem 1. Dezember, um 9 Uhr: drücken Sie die 1.")
    assert transcript.said("Am Mittwoch, dem 2. Dezember, um 11 Uhr: drücken Sie die 3.")
    assert transcript.said("Ihr Videotermin ist gebucht: am Mittwoch, dem 2. Dezember, um 11 Uhr.")
    (row,) = appointments(svc)
    assert row.start == berlin(2026, 12, 2, 11)
