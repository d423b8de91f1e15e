"""Whole calls walked with the simulator through signed HTTP, as a caller would experience them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hotline.cases.models import Case
from hotline.simulator import EndedBy, EventKind
from hotline.telephony.call_log import find_call
from hotline.telephony.models import Call, CallOutcome
from scheduling.hours.overrides import set_override
from tests.support.times import berlin
from tests.support.twilio import CALLER

SILENCE = "-"


def stored_call(svc, transcript) -> Call:
    with svc.database.transaction() as session:
        call = find_call(session, transcript.call_sid)
        assert call is not None
        session.refresh(call, ["case"])
        session.expunge_all()
        return call


def queued(transcript) -> list:
    """The caller's waits in a queue (an Enqueue each)."""
    return transcript.of_kind(EventKind.ENQUEUE)


def rung(transcript) -> list[str]:
    """The (masked) numbers of the counsellors rung for the caller."""
    return [e.text for e in transcript.counsellor_events if e.attributes["what"] == "rung"]


def assert_well_formed(transcript) -> None:
    assert transcript.application_errors == []
    assert all(200 <= record.status < 300 for record in transcript.requests)
    assert transcript.ended_by in (EndedBy.HANGUP_VERB, EndedBy.END_OF_DOCUMENT)


def test_weekday_morning_caller_is_connected_to_the_counsellors_on_duty(
    simulate_call, create_counsellor, svc
):
    create_counsellor("Anna", phone="+49 228 1111111")
    create_counsellor("Deniz", phone="+49 228 2222222")
    create_counsellor("Jonas", phone="+49 228 3333333", on_duty=False)

    transcript = simulate_call([SILENCE, SILENCE], counsellors=["ignore", "accept"])

    assert_well_formed(transcript)
    assert transcript.said("starke Stelle")
    assert transcript.said("For English, press 9.")
    assert transcript.said("akuter Gefahr") and transcript.said("1 1 0")
    assert transcript.said("nicht aufgezeichnet")
    assert transcript.said("Wir suchen jetzt eine Beraterin oder einen Berater")
    assert len(queued(transcript)) == 1
    assert sorted(rung(transcript)) == ["+49228•••••11", "+49228•••••22"]
    assert transcript.of_kind(EventKind.BRIDGED)
    assert transcript.said("Danke für Ihren Anruf")
    call = stored_call(svc, transcript)
    assert call.outcome == CallOutcome.CONNECTED
    assert call.case is not None and len(call.case.reference) == 8
    assert call.status == "completed" and call.ended_at is not None


def test_the_caller_is_put_in_line_in_the_answer_to_the_case_number(
    simulate_call, create_counsellor, svc
):
    """No Redirect to a routing step after intake: one round trip to Twilio less per call."""
    create_counsellor("Anna", phone="+49 228 1111111")

    transcript = simulate_call([SILENCE, SILENCE], counsellors=["accept"])

    assert_well_formed(transcript)
    paths = [record.url.split("?")[0] for record in transcript.requests]
    assert not any(path.endswith("/twilio/voice/route") for path in paths)
    assert len(queued(transcript)) == 1 and transcript.of_kind(EventKind.BRIDGED)
    call = stored_call(svc, transcript)
    assert call.case is not None and call.outcome == CallOutcome.CONNECTED


def test_a_case_number_typed_outside_the_hours_hears_the_closed_announcement_at_once(
    twilio, clock, svc
):
    """The same answer carries what routing says: here, that the line is closed."""
    from tests.support.twilio import voice_params

    sid = "CA" + "5" * 32
    clock.set(berlin(2026, 11, 28, 11, 0))  # a Saturday
    twilio.incoming(sid)
    twilio.post("/twilio/voice/intake/language", voice_params(sid, Digits=""))
    answer = twilio.post("/twilio/voice/intake/case-number?attempt=1", voice_params(sid, Digits=""))
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<Redirect" not in body
    assert "Wochenende" in body and "closed?attempt=1" in body
    with svc.database.transaction() as session:
        call = find_call(session, sid)
        assert call.outcome == CallOutcome.CLOSED_INFORMED and call.case_id is not None


def test_nobody_answering_is_told_honestly_with_email_and_hours(
    simulate_call, create_counsellor, svc
):
    create_counsellor()
    transcript = simulate_call([SILENCE, SILENCE], counsellors=["ignore"], silent_after_keys=True)
    assert_well_formed(transcript)
    assert transcript.said("niemand von uns Ihren Anruf annehmen")
    assert transcript.said("info@starkestelle.de")
    assert transcript.said("montags bis freitags von 9 bis 16 Uhr")
    assert stored_call(svc, transcript).outcome == CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT


def test_nobody_on_duty_is_said_instead_of_ringing_nobody(simulate_call, svc):
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    assert_well_formed(transcript)
    assert queued(transcript) == []
    assert transcript.said("niemand von uns am Telefon erreichbar")
    assert transcript.said("info@starkestelle.de")
    assert stored_call(svc, transcript).outcome == CallOutcome.NOBODY_ON_DUTY


def test_a_caller_who_presses_nothing_still_reaches_a_counsellor(simulate_call, create_counsellor):
    create_counsellor()
    transcript = simulate_call([], silent_after_keys=True)
    assert_well_formed(transcript)
    assert len(queued(transcript)) == 1


def test_saturday_caller_hears_when_the_line_opens_on_monday(simulate_call, clock, svc):
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    assert_well_formed(transcript)
    assert queued(transcript) == []
    assert transcript.said("Am Wochenende ist unsere Telefonberatung nicht besetzt.")
    assert transcript.said("Sie erreichen uns wieder ab Montag, dem 30. November, um 9 Uhr.")
    assert transcript.said("info@starkestelle.de")
    assert transcript.said("Auf Wiederhören")
    call = stored_call(svc, transcript)
    assert call.outcome == CallOutcome.CLOSED_INFORMED
    assert call.case is not None


def test_good_friday_caller_hears_the_holiday_and_tuesday(simulate_call, clock):
    clock.set(berlin(2027, 3, 26, 10, 30))
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    assert_well_formed(transcript)
    assert transcript.said("Heute ist Feiertag: Karfreitag.")
    assert transcript.said("ab Dienstag, dem 30. März, um 9 Uhr")


def test_before_christmas_the_next_opening_skips_the_closures_and_holidays(simulate_call, clock):
    clock.set(berlin(2026, 12, 23, 17, 0))
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    assert transcript.said("Sie rufen außerhalb unserer Sprechzeiten an.")
    assert transcript.said("ab Montag, dem 28. Dezember, um 9 Uhr")


def test_closed_announcement_repeats_at_most_twice_then_ends_politely(simulate_call, clock):
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([SILENCE, SILENCE, "0", "0", "0"])
    assert_well_formed(transcript)
    assert transcript.spoken_text.count("Sie erreichen uns wieder ab") == 3
    assert transcript.spoken_text.count("Um diese Ansage noch einmal zu hören") == 3
    assert transcript.said("Auf Wiederhören")


def test_pressing_nothing_in_the_closed_menu_offers_it_twice_more_then_ends(simulate_call, clock):
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    assert_well_formed(transcript)
    assert transcript.spoken_text.count("Um diese Ansage noch einmal zu hören") == 3
    assert not transcript.said("nicht verstanden")
    assert transcript.said("info@starkestelle.de") and transcript.said("1 1 0")
    assert transcript.said("Auf Wiederhören")


def test_wrong_keys_in_the_closed_menu_are_asked_again_twice_at_most(simulate_call, clock):
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([SILENCE, SILENCE, "6", "7", "8"])
    assert_well_formed(transcript)
    assert transcript.spoken_text.count("nicht verstanden") == 2
    assert transcript.said("Auf Wiederhören")


def test_a_known_case_number_links_the_call_to_that_case(
    simulate_call, create_case, create_counsellor, svc
):
    create_counsellor()
    case = create_case()
    transcript = simulate_call([SILENCE, case.reference])
    assert_well_formed(transcript)
    spoken = " ".join(case.reference[:4]) + ", " + " ".join(case.reference[4:])
    assert transcript.said(f"Ihrem Fall {spoken} zugeordnet")
    call = stored_call(svc, transcript)
    assert call.case.reference == case.reference
    with svc.database.transaction() as session:
        assert len(session.scalars(select(Case)).all()) == 1


def test_a_wrong_case_number_is_asked_once_more_then_a_new_case_is_opened(
    simulate_call, create_case, create_counsellor, svc
):
    create_counsellor()
    existing = create_case()
    wrong_check_digit = existing.reference[:7] + str((int(existing.reference[7]) + 1) % 10)
    transcript = simulate_call([SILENCE, wrong_check_digit, "12345678#"])
    assert_well_formed(transcript)
    assert transcript.said("Bitte geben Sie die acht Ziffern noch einmal ein")
    assert transcript.said("wieder nicht gefunden")
    assert len(queued(transcript)) == 1
    call = stored_call(svc, transcript)
    assert call.case.reference != existing.reference


def test_a_wrong_number_then_hash_continues_without_case_number(
    simulate_call, create_counsellor, svc
):
    create_counsellor()
    transcript = simulate_call([SILENCE, "11111111", "#"])
    assert_well_formed(transcript)
    assert not transcript.said("wieder nicht gefunden")
    assert stored_call(svc, transcript).case is not None


def test_an_anonymous_caller_is_served_and_no_number_is_stored(
    simulate_call, create_counsellor, svc
):
    create_counsellor()
    for withheld in ("anonymous", "+266696687", ""):
        transcript = simulate_call([SILENCE, SILENCE], caller=withheld)
        assert_well_formed(transcript)
        call = stored_call(svc, transcript)
        assert call.caller_withheld is True
        assert call.caller_number_encrypted is None
        assert call.outcome == CallOutcome.CONNECTED


def test_a_caller_number_is_stored_only_encrypted(simulate_call, svc):
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    call = stored_call(svc, transcript)
    assert call.caller_withheld is False
    assert CALLER.encode() not in call.caller_number_encrypted
    assert svc.cipher.decrypt(call.caller_number_encrypted) == CALLER


def test_an_english_caller_hears_english_throughout(simulate_call, clock, svc):
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call(["9", SILENCE], silent_after_keys=True)
    assert_well_formed(transcript)
    assert transcript.said("If you are in acute danger")
    assert transcript.said("Our phone line is not staffed at weekends.")
    assert transcript.said("You can reach us again from Monday 30 November at 9 a.m.")
    assert stored_call(svc, transcript).language == "en"


def test_a_closed_override_during_hours_is_announced_with_its_announcement(
    simulate_call, clock, svc
):
    with svc.database.transaction() as session:
        set_override(
            session,
            is_open=False,
            until=clock.now() + timedelta(hours=2),
            note="Teamsitzung",
            announcement="Wir sind in einer Besprechung",
            now=clock.now(),
        )
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    assert transcript.said(
        "Unsere Telefonberatung ist gerade nicht besetzt: Wir sind in einer Besprechung."
    )
    assert not transcript.said("Teamsitzung")
    assert transcript.said("ab heute um 12 Uhr")


def test_an_open_override_on_a_saturday_routes_to_counsellors(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor()
    clock.set(berlin(2026, 11, 28, 11, 0))
    with svc.database.transaction() as session:
        set_override(
            session,
            is_open=True,
            until=berlin(2026, 11, 28, 15, 0),
            note="Sonderdienst",
            now=clock.now(),
        )
    transcript = simulate_call([SILENCE, SILENCE])
    assert len(queued(transcript)) == 1


def test_no_call_requests_the_same_url_with_the_same_parameters_twice(simulate_call, clock):
    """Deliveries are told apart by URL and parameters; a repeat would replay an old answer."""
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([SILENCE, SILENCE, "0", "0", "6", "6"])
    seen = set()
    for record in transcript.requests:
        if "/status" in record.url:
            continue
        key = (record.method, record.url, tuple(sorted(record.params.items())))
        assert key not in seen, record.url
        seen.add(key)


def test_pressing_1_after_the_line_opened_reaches_a_counsellor(twilio, clock, create_counsellor):
    """Closed announcement at 08:59:50; the caller presses 0 at 09:00:30 and is put through."""
    from tests.support.twilio import voice_params

    create_counsellor()
    sid = "CA" + "4" * 32
    clock.set(berlin(2026, 11, 27, 8, 59, 50))
    twilio.incoming(sid)
    closed = twilio.post("/twilio/voice/route", voice_params(sid, CallStatus="in-progress"))
    assert b"<Enqueue" not in closed.data and b"closed?attempt=1" in closed.data
    clock.set(berlin(2026, 11, 27, 9, 0, 30))
    again = twilio.post("/twilio/voice/closed?attempt=1", voice_params(sid, Digits="0"))
    redirect = again.get_data(as_text=True).split("<Redirect>")[1].split("</Redirect>")[0]
    path = redirect.removeprefix("https://hotline.example.org").replace("&amp;", "&")
    assert path != "/twilio/voice/route"
    routed = twilio.post(path, voice_params(sid, CallStatus="in-progress"))
    assert b"<Enqueue" in routed.data
