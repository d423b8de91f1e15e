"""Referrals with their follow-up (a reminder mail at the moved clock, through the outbox and
a local SMTP server) and "jetzt zurückrufen" writing the outbox item, through HTTP."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.callbacks.models import Callback, CallbackAttempt, CallbackState
from hotline.cases.event_texts import event_text
from hotline.cases.events import CaseEvent
from hotline.cases.models import Case, CaseStatus
from hotline.cases.references import display_case_reference
from hotline.outbox.models import WorkItem
from hotline.referrals.directory import OfferFields, save_offer
from hotline.referrals.models import Referral
from tests.support.appointments import book, free_slots
from tests.support.callbacks import SATURDAY_BOOKING
from tests.support.staff import add_staff, log_in, post_form
from tests.support.times import berlin
from tests.support.twilio import CALLER


def an_offer(svc, clock) -> int:
    with svc.database.transaction() as session:
        offer, _ = save_offer(
            session,
            OfferFields(
                "BEISPIEL Opferberatung", "NW", "victim_support", web_url="https://example.org/"
            ),
            clock.now(),
        )
        return offer.id


def work(svc, kind: str) -> list[WorkItem]:
    with svc.database.transaction() as session:
        return list(session.scalars(select(WorkItem).where(WorkItem.kind == kind)))


def payload(svc, item: WorkItem) -> dict:
    return json.loads(svc.cipher.decrypt(item.payload_encrypted))


def test_a_referral_with_a_follow_up_mails_the_counsellor_when_due(
    client, svc, clock, create_case, create_counsellor, smtp, smtp_dispatcher
):
    anna = create_counsellor("Anna", email="anna@beratung.example.org")
    offer_id = an_offer(svc, clock)
    opened = create_case()
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    log_in(client, "anna@example.org")
    page = f"/staff/cases/{opened.reference}"
    post_form(client, page, f"{page}/assign", {"counsellor": str(anna.id)})
    follow_up = date(2026, 12, 3)
    post_form(
        client,
        page,
        f"{page}/refer",
        {"offer": str(offer_id), "follow_up_on": follow_up.isoformat()},
    )

    with svc.database.transaction() as session:
        assert session.get(Case, opened.id).status == CaseStatus.REFERRED
        referral = session.scalars(select(Referral)).one()
        assert (referral.referred_on, referral.follow_up_on) == (date(2026, 11, 26), follow_up)
    (reminder,) = work(svc, "referral_follow_up")
    assert reminder.due_at == berlin(2026, 12, 3, 9, 0)
    assert (
        "Weitervermittelt an BEISPIEL Opferberatung (Nordrhein-Westfalen); Nachfrage am 03.12.2026"
        in client.get(page).get_data(as_text=True)
    )

    clock.set(berlin(2026, 12, 3, 8, 59))
    smtp_dispatcher.dispatch_until_idle()
    assert smtp.received == []  # not yet
    clock.set(berlin(2026, 12, 3, 9, 0))
    smtp_dispatcher.dispatch_until_idle()

    (mail,) = smtp.received
    assert mail.recipients == ["anna@beratung.example.org"]
    reference = display_case_reference(opened.reference)
    assert mail.message["Subject"] == f"Nachfrage fällig: Fall {reference}"
    text = mail.message.get_content()
    assert "BEISPIEL Opferberatung" in text and f"/staff/cases/{opened.reference}" in text
    with svc.database.transaction() as session:
        assert session.get(Case, opened.id).status == CaseStatus.FOLLOW_UP_DUE
    log_in(client, "anna@example.org")  # a week later: the session has long ended
    today = client.get("/staff/").get_data(as_text=True)
    assert f"Fall {reference}" in today.split("Fällige Nachfragen")[1]

    post_form(
        client,
        page,
        f"{page}/follow-up",
        {"referral": str(referral.id), "outcome": "Beratung läuft"},
    )
    with svc.database.transaction() as session:
        assert session.get(Case, opened.id).status == CaseStatus.REFERRED
        sealed = session.get(Referral, referral.id).follow_up_outcome_encrypted
        assert b"Beratung" not in sealed  # kept encrypted, as the notes are
        assert svc.cipher.decrypt(sealed) == "Beratung läuft"
        events = session.scalars(select(CaseEvent)).all()
        assert "Beratung läuft" not in " ".join(event_text(e.kind, e.params) for e in events)
        assert "Beratung" not in json.dumps([event.params for event in events])
    shown = client.get(page).get_data(as_text=True)
    assert "Ergebnis: Beratung läuft" in shown
    assert "Nachfrage zu BEISPIEL Opferberatung erledigt" in shown


def test_a_follow_up_already_recorded_sends_no_mail(
    client, svc, clock, create_case, create_counsellor, smtp, smtp_dispatcher
):
    create_counsellor("Anna", email="anna@beratung.example.org")
    offer_id = an_offer(svc, clock)
    opened = create_case()
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    log_in(client, "anna@example.org")
    page = f"/staff/cases/{opened.reference}"
    post_form(client, page, f"{page}/refer", {"offer": str(offer_id), "follow_up_on": "2026-12-01"})
    with svc.database.transaction() as session:
        referral_id = session.scalars(select(Referral.id)).one()
    post_form(
        client, page, f"{page}/follow-up", {"referral": str(referral_id), "outcome": "erledigt"}
    )
    clock.set(berlin(2026, 12, 1, 9, 0))
    smtp_dispatcher.dispatch_until_idle()
    assert smtp.received == []


def test_a_follow_up_must_lie_ahead(client, svc, clock, create_case):
    offer_id = an_offer(svc, clock)
    opened = create_case()
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    page = f"/staff/cases/{opened.reference}"
    response = post_form(
        client, page, f"{page}/refer", {"offer": str(offer_id), "follow_up_on": "2026-11-26"}
    )
    assert "nach dem heutigen Tag" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert work(svc, "referral_follow_up") == []


def test_call_back_now_rings_the_counsellor_first_through_the_outbox(
    simulate_call, client, svc, clock, create_counsellor
):
    create_counsellor("Anna", phone="+49 228 1111111", on_duty=True)
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday: a callback is booked for Monday
    simulate_call(SATURDAY_BOOKING)
    clock.set(berlin(2026, 11, 30, 8, 30))  # Monday, before the booked slot
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    log_in(client, "anna@example.org")
    before = len(work(svc, "place_call"))

    listing = client.get("/staff/callbacks").get_data(as_text=True)
    assert "jetzt zurückrufen" in listing and CALLER not in listing
    with svc.database.transaction() as session:
        callback = session.scalars(select(Callback)).one()
    response = post_form(
        client,
        "/staff/callbacks",
        f"/staff/callbacks/{callback.id}/call",
        {"back": "/staff/callbacks"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/staff/callbacks"
    assert "Ihr Telefon klingelt gleich" in client.get("/staff/callbacks").get_data(as_text=True)

    rings = work(svc, "place_call")
    assert len(rings) == before + 1
    ring = payload(svc, rings[-1])
    assert ring["to"] == "+492281111111"  # the counsellor's phone first
    assert ring["answer_path"].startswith("callback/whisper?attempt=")
    with svc.database.transaction() as session:
        attempt = session.scalars(select(CallbackAttempt)).one()
        assert attempt.counsellor_id is not None and attempt.ring_work_id == rings[-1].id
        assert session.get(Callback, callback.id).state == CallbackState.CALLING
        called = session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.CALLED)
        ).one()
        assert called.case_id == callback.case_id

    twice = post_form(client, "/staff/callbacks", f"/staff/callbacks/{callback.id}/call", {})
    assert "klingelt gerade schon" in client.get(twice.headers["Location"]).get_data(as_text=True)
    assert len(work(svc, "place_call")) == before + 1


def test_call_back_now_needs_a_counsellor_behind_the_account(
    simulate_call, client, svc, clock, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    simulate_call(SATURDAY_BOOKING)
    add_staff(svc, clock, "office@example.org")
    log_in(client, "office@example.org")
    with svc.database.transaction() as session:
        callback_id = session.scalars(select(Callback.id)).one()
    before = len(work(svc, "place_call"))
    response = post_form(client, "/staff/callbacks", f"/staff/callbacks/{callback_id}/call", {})
    assert "mit keiner Berater:in verknüpft" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert len(work(svc, "place_call")) == before


def test_an_appointment_booked_with_a_number_is_called_back_now(
    client, svc, clock, create_counsellor, app
):
    create_counsellor("Anna", phone="+49 228 1111111")
    start = free_slots(client)[0]["start"]
    assert book(client, start, phone="+49 151 23456789").status_code == 201
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    log_in(client, "anna@example.org")
    html = client.get("/staff/appointments").get_data(as_text=True)
    assert "jetzt zurückrufen" in html and "23456789" not in html
    with svc.database.transaction() as session:
        from hotline.appointments.models import Appointment

        appointment = session.scalars(select(Appointment)).one()
    post_form(client, "/staff/appointments", f"/staff/appointments/{appointment.id}/call", {})
    (ring,) = work(svc, "place_call")
    assert payload(svc, ring)["to"] == "+492281111111"
    with svc.database.transaction() as session:
        callback = session.scalars(select(Callback)).one()
        assert callback.case_id == appointment.case_id and callback.state == CallbackState.CALLING
        assert svc.cipher.decrypt(callback.number_encrypted) == "+4915123456789"
