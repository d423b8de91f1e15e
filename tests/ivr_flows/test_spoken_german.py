"""What callers and counsellors hear is right German (issue 22), walked as whole calls through
signed HTTP: dates take "dem" or "den" by their case, silence is answered as silence, "@" is
"ät", no conversation is promised that will not follow, and a typed callback number is read
back to be confirmed (1) or typed again (2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.callbacks.models import Callback, CallbackState
from tests.support.callbacks import SATURDAY_BOOKING, CallbackDriver
from tests.support.times import berlin

SILENCE = "-"
SATURDAY = berlin(2026, 11, 28, 11, 0)
CALLBACK = [SILENCE, SILENCE, "1"]  # language, no case number, 1 = callback in the closed menu
NOTHING_HEARD = "Wir haben leider keine Eingabe gehört."
NOT_UNDERSTOOD = "Diese Eingabe haben wir leider nicht verstanden."


def callbacks(svc) -> list[Callback]:
    with svc.database.transaction() as session:
        rows = list(session.scalars(select(Callback).order_by(Callback.id)))
        session.expunge_all()
        return rows


def assert_ended_politely(transcript) -> None:
    assert transcript.application_errors == []
    assert all(200 <= record.status < 300 for record in transcript.requests)
    assert transcript.said("Auf Wiederhören")


@pytest.fixture
def driver(twilio, svc, dispatcher, fake_twilio) -> CallbackDriver:
    return CallbackDriver(twilio, svc, dispatcher, fake_twilio)


def test_a_callback_placed_on_a_later_day_is_whispered_as_booked_for_den_day(
    simulate_call, clock, driver, create_counsellor
):
    """ "gebucht für" takes the accusative: "für Montag, den 30. November"."""
    create_counsellor("Anna")
    clock.set(SATURDAY)
    simulate_call(SATURDAY_BOOKING)  # for Monday 9:00
    clock.set(berlin(2026, 12, 1, 10, 0))  # nobody placed it on Monday: it is still due
    [leg] = driver.ring()
    whisper = driver.answer(leg)
    assert "gebucht für Montag, den 30. November, um 9 Uhr." in whisper
    assert "dem 30. November" not in whisper


def test_the_next_opening_keeps_the_dative_and_tomorrow_alone_takes_the_accusative(
    simulate_call, clock, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 26, 22, 30))  # Thursday night
    transcript = simulate_call([*CALLBACK, "1"], silent_after_keys=True)
    assert transcript.said(
        "Sie erreichen uns wieder ab morgen, Freitag, dem 27. November, um 9 Uhr."
    )
    assert transcript.said("Morgen, Freitag, den 27. November, um 9 Uhr: drücken Sie die 1.")


def test_silence_at_a_menu_is_answered_as_silence_and_a_wrong_key_as_not_understood(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(SATURDAY)
    # the own number: silence, a wrong key, then 1; the times: silence, then the first
    transcript = simulate_call([*CALLBACK, SILENCE, "5", "1", SILENCE, "1"])
    assert_ended_politely(transcript)
    assert transcript.spoken_text.count(NOTHING_HEARD) == 2
    assert transcript.spoken_text.count(NOT_UNDERSTOOD) == 1
    assert [callback.state for callback in callbacks(svc)] == [CallbackState.BOOKED]

    video = simulate_call([SILENCE, SILENCE, "2", SILENCE, "1"])  # 2 = a video appointment
    assert_ended_politely(video)
    assert video.said(NOTHING_HEARD) and not video.said(NOT_UNDERSTOOD)
    assert video.said("Ihr Videotermin ist gebucht")


def test_the_spelled_address_says_aet_for_the_at_sign(simulate_call, clock):
    clock.set(SATURDAY)
    transcript = simulate_call([SILENCE, SILENCE, "3"], silent_after_keys=True)
    assert transcript.said(
        "Unsere E-Mail-Adresse, Buchstabe für Buchstabe: i, n, f, o, ät, s, t, a, r, k, e, s, "
        "t, e, l, l, e, Punkt, d, e."
    )
    assert not transcript.said(", at, ")


def test_two_wrong_case_numbers_out_of_hours_promise_no_conversation(simulate_call, clock):
    clock.set(SATURDAY)
    transcript = simulate_call([SILENCE, "11111111", "22222222"], silent_after_keys=True)
    assert_ended_politely(transcript)
    assert transcript.said("Diese Fallnummer haben wir leider wieder nicht gefunden.")
    assert not transcript.said("im Gespräch")
    assert transcript.said(
        "Nennen Sie die Nummer einfach, wenn Sie mit jemandem von uns sprechen oder uns schreiben."
    )
    assert transcript.said("Am Wochenende ist unsere Telefonberatung nicht besetzt.")


def test_a_typed_callback_number_is_read_back_and_a_typo_typed_again(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(SATURDAY)
    transcript = simulate_call(
        [*CALLBACK, "022812345679#", "2", "022812345678#", "1", "1"], caller="anonymous"
    )
    assert_ended_politely(transcript)
    assert transcript.said("Sie haben diese Nummer eingegeben: 0 2 2 8, 1 2 3 4, 5 6 7 9.")
    assert transcript.spoken_text.count("Wenn das stimmt, drücken Sie die 1.") == 2
    assert transcript.spoken_text.count("Bitte geben Sie die Telefonnummer ein") == 2
    assert transcript.said("Sie haben diese Nummer eingegeben: 0 2 2 8, 1 2 3 4, 5 6 7 8.")
    assert transcript.said("Wir rufen Sie am Montag, dem 30. November, um 9 Uhr an.")
    [callback] = callbacks(svc)
    assert callback.state == CallbackState.BOOKED
    assert svc.cipher.decrypt(callback.number_encrypted) == "+4922812345678"


def test_a_typed_number_read_back_hears_silence_named_and_the_number_again(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(SATURDAY)
    transcript = simulate_call([*CALLBACK, "022812345678#", SILENCE, "1", "1"], caller="anonymous")
    assert_ended_politely(transcript)
    assert transcript.said(NOTHING_HEARD)
    read_back = "Sie haben diese Nummer eingegeben: 0 2 2 8, 1 2 3 4, 5 6 7 8."
    assert transcript.spoken_text.count(read_back) == 2
    assert svc.cipher.decrypt(callbacks(svc)[0].number_encrypted) == "+4922812345678"


def test_three_numbers_typed_and_none_confirmed_end_with_the_ways_out_and_keep_nothing(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(SATURDAY)
    number = "022812345678#"
    transcript = simulate_call(
        [*CALLBACK, number, "2", number, "2", number, "2"], caller="anonymous"
    )
    assert_ended_politely(transcript)
    assert transcript.spoken_text.count("Bitte geben Sie die Telefonnummer ein") == 3
    assert transcript.said("info@starkestelle.de") and transcript.said("1 1 0")
    assert callbacks(svc) == []  # the draft with the number went with the call


def test_silence_where_a_number_is_typed_is_not_called_an_invalid_number(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(SATURDAY)
    transcript = simulate_call(CALLBACK, caller="anonymous", silent_after_keys=True)
    assert_ended_politely(transcript)
    assert transcript.spoken_text.count(NOTHING_HEARD) == 2
    assert transcript.said("Bitte versuchen Sie es noch einmal.")
    assert not transcript.said("unvollständig oder ungültig")
    assert callbacks(svc) == []
