"""Phone appointments through the closed menu (issue 25), walked as whole calls over signed
HTTP: booked with key 4 (the date read back twice), offered to a landline caller who chose
video, and cancelled by phone with the case number — only from the number it calls."""

from __future__ import annotations

import re

from hotline.appointments.models import AppointmentKind, AppointmentState, BookedVia
from hotline.telephony.call_log import find_call
from hotline.telephony.models import CallOutcome
from tests.support.appointments import appointments, local_path
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


def form_token(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_an_english_caller_gets_the_sms_in_english_linking_to_the_english_page(
    simulate_call, clock, svc, client, create_counsellor
):
    """Issue 25: English callers hear English and the SMS links to an English page, where
    they move and cancel in English; the page links to German and back."""
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday
    transcript = simulate_call(["9", SILENCE, "4", "2"])  # English, mobile, the 10:00 slot
    assert transcript.application_errors == []
    assert transcript.said("Your phone appointment is booked:")
    (row,) = appointments(svc)
    assert row.kind == AppointmentKind.PHONE and row.language == "en"
    (sms,) = [e.text for e in transcript.counsellor_events if e.attributes["what"] == "sms"]
    assert sms.startswith("starke Stelle: your phone appointment on 30/11/2026, 10:00 is booked")
    assert "Move or cancel:" in sms and "Telefontermin" not in sms
    link = local_path(re.search(r"https://\S+", sms).group(0))

    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="en">' in html
    assert "<h1>Your phone appointment</h1>" in html
    assert "Monday, 30 November 2026, 10:00" in html and "We call you on" in html
    assert "In acute danger, call 110 at once." in html
    assert "Choose a day" in html and "Move to this time" in html
    assert "Telefontermin" not in html and "Uhr" not in html
    assert f'href="{link}?lang=de" lang="de" hreflang="de">Deutsch</a>' in html
    german = client.get(f"{link}?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in german and "<h1>Ihr Telefontermin</h1>" in german
    assert "Montag, 30. November 2026, 10:00 Uhr" in german
    assert client.get(f"{link}?lang=xx").get_data(as_text=True).count("Your phone") >= 1

    # a time not chosen: the summary in English; then moved, in English
    refused = client.post(f"{link}/move", data={"csrf_token": form_token(page)})
    assert refused.status_code == 422
    assert "Please choose a time." in refused.get_data(as_text=True)
    moved = client.post(
        f"{link}/move",
        data={"csrf_token": form_token(page), "start": "2026-11-30T11:00:00+01:00"},
    )
    assert moved.status_code == 303 and moved.headers["Location"].endswith("?verlegt=1")
    after = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert "Your appointment has been moved. The new time below applies." in after
    assert "Monday, 30 November 2026, 11:00" in after

    # cancelled from the German page: the answer stays German
    question = client.get(f"{link}/cancel?lang=de")
    assert "Termin absagen?" in question.get_data(as_text=True)
    done = client.post(f"{link}/cancel?lang=de", data={"csrf_token": form_token(question)})
    assert done.status_code == 303 and "lang=de" in done.headers["Location"]
    assert "Ihr Termin ist abgesagt." in client.get(done.headers["Location"]).get_data(as_text=True)
    english = client.get(link).get_data(as_text=True)
    cancelled = "This appointment on <strong>Monday, 30 November 2026, 11:00</strong> is"
    assert cancelled in english
