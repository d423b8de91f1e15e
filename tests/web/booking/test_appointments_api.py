"""The JSON API for video appointments, through HTTP on both databases: slots, booking,
conflicts, bad input of every shape, the manage URL, cancelling, the rate limit, OpenAPI."""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from sqlalchemy import select

from hotline.appointments.models import AppointmentState, BookedVia
from hotline.cases.references import display_case_reference
from tests.support.appointments import (
    appointments,
    book,
    booking,
    free_slots,
    local_path,
    raised_booking_limit,
)
from tests.support.times import berlin

JSON = {"Accept": "application/json"}


hotline_config = raised_booking_limit


def test_slots_lie_in_opening_hours_after_the_notice(client, create_counsellor):
    create_counsellor("Anna")
    slots = free_slots(client, **{"from": "2026-11-26", "days": 7})
    starts = [datetime.fromisoformat(slot["start"]) for slot in slots]
    # Thursday 10:00 now, two hours' notice: 12:00 is the first; Fri, then Mon/Tue/Wed
    assert starts[0] == berlin(2026, 11, 26, 12)
    assert {start.date().isoformat() for start in starts} == {
        "2026-11-26",
        "2026-11-27",
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
    }
    assert all(9 <= start.hour <= 15 and start.minute == 0 for start in starts)
    assert slots[0] == {
        "start": "2026-11-26T12:00:00+01:00",
        "end": "2026-11-26T12:45:00+01:00",
        "type": "video",
    }


def test_no_slots_on_a_public_holiday_or_without_counsellors(client, create_counsellor):
    assert free_slots(client, **{"from": "2026-11-27", "days": 1}) == []  # nobody yet
    create_counsellor("Anna")
    assert free_slots(client, **{"from": "2026-12-25", "days": 2}) == []  # Christmas


def test_a_booking_answers_with_its_links_and_takes_the_place(client, svc, create_counsellor):
    create_counsellor("Anna")
    start = free_slots(client)[0]["start"]
    response = book(client, start)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["start"] == start and body["type"] == "video"
    assert body["end"] == "2026-11-26T12:45:00+01:00"
    assert len(body["case_reference"]) == 8 and body["case_reference"].isdigit()
    assert body["video_url"].startswith("https://meet.jit.si/starke-stelle-")
    assert len(body["video_url"].rsplit("-", 1)[-1]) == 32  # 128 bit in hex
    assert body["ics_url"] == body["manage_url"] + "/termin.ics"
    assert response.headers["Location"] == body["manage_url"]
    assert start not in [slot["start"] for slot in free_slots(client)]
    (row,) = appointments(svc)
    assert row.state == AppointmentState.BOOKED and row.booked_via == BookedVia.API
    assert b"amt@example.org" not in row.email_encrypted  # encrypted at rest
    # the manage URL, as JSON
    shown = client.get(local_path(body["manage_url"]), headers=JSON)
    assert shown.status_code == 200
    assert shown.json["state"] == "booked" and shown.json["start"] == start
    assert shown.headers["Cache-Control"] == "no-store"


def test_the_last_place_goes_once_then_409_and_cancelling_frees_it(client, create_counsellor):
    create_counsellor("Anna")
    create_counsellor("Ben")
    start = free_slots(client)[0]["start"]
    first = book(client, start)
    assert first.status_code == 201
    assert book(client, start, email="b@example.org").status_code == 201
    third = book(client, start, email="c@example.org")
    assert third.status_code == 409
    assert third.json["error"]["code"] == "slot_taken"
    cancel = client.post(local_path(first.json["manage_url"]) + "/cancel", headers=JSON)
    assert cancel.status_code == 200 and cancel.json["state"] == "canceled"
    assert book(client, start, email="d@example.org").status_code == 201


def test_counsellors_are_assigned_fairly(client, svc, create_counsellor):
    anna = create_counsellor("Anna")
    ben = create_counsellor("Ben")
    slots = free_slots(client)
    for number, slot in enumerate(slots[:4]):  # four officials
        assert book(client, slot["start"], email=f"amt{number}@example.org").status_code == 201
    counts = {anna.id: 0, ben.id: 0}
    for row in appointments(svc):
        counts[row.counsellor_id] += 1
    assert counts == {anna.id: 2, ben.id: 2}


def test_an_existing_case_can_be_named(client, create_counsellor, create_case):
    create_counsellor("Anna")
    case = create_case()
    start = free_slots(client)[0]["start"]
    response = book(client, start, case_reference=display_case_reference(case.reference))
    assert response.status_code == 201 and response.json["case_reference"] == case.reference


def test_bad_input_is_422_naming_each_field(client, create_counsellor, create_case):
    create_counsellor("Anna")
    response = client.post("/api/v1/appointments", json={})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"start", "name", "email", "consent"}
    bad = booking(
        "2026-11-26T12:00:00",  # no offset
        name="x" * 81,
        email="not-an-address",
        consent="yes",
        phone="110",
        case_reference="1234 5679",
        type="fax",
    )
    fields = client.post("/api/v1/appointments", json=bad).json["error"]["fields"]
    assert set(fields) == {"start", "name", "email", "consent", "phone", "case_reference", "type"}
    assert all(isinstance(message, str) and message for message in fields.values())
    # a well-formed reference of no case
    start = free_slots(client)[0]["start"]
    unknown = book(client, start, case_reference="1234 5674")
    assert unknown.status_code == 422
    assert set(unknown.json["error"]["fields"]) == {"case_reference"}


@pytest.mark.parametrize(
    "body,content_type",
    [
        ("not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("null", "application/json"),
        ('"text"', "application/json"),
        ("name=x", "application/x-www-form-urlencoded"),
        ("\x00\xff", "application/octet-stream"),
    ],
)
def test_a_body_that_is_no_json_object_is_422(client, body, content_type):
    response = client.post("/api/v1/appointments", data=body, content_type=content_type)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_json"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            key: json_values | st.text(max_size=60)
            for key in ("type", "start", "name", "email", "phone", "consent", "case_reference")
        },
    )
)
def test_no_input_of_any_shape_gets_a_500(client, values):
    response = client.post("/api/v1/appointments", json=values)
    assert response.status_code in (201, 409, 422), response.get_data(as_text=True)
    assert "error" in response.json or response.status_code == 201


@pytest.mark.parametrize(
    "query",
    ["type=fax", "from=2026-13-01", "from=tomorrow", "days=0", "days=43", "days=x", "days=%00"],
)
def test_bad_slot_queries_are_422(client, query):
    response = client.get(f"/api/v1/slots?{query}")
    assert response.status_code == 422
    assert response.json["error"]["fields"]


def test_an_unknown_manage_token_is_404(client):
    assert client.get("/termin/" + "A" * 43, headers=JSON).status_code == 404
    assert client.get("/termin/" + "A" * 43).status_code == 404
    assert client.post("/termin/nope/cancel", headers=JSON).status_code == 404
    assert client.get("/termin/nope/termin.ics").status_code == 404


def test_twenty_concurrent_bookings_of_one_slot_have_one_winner(
    app, live_server, svc, create_counsellor
):
    create_counsellor("Anna")
    client = app.test_client()
    start = free_slots(client)[0]["start"]
    barrier = threading.Barrier(20)

    def attempt(number: int) -> int:
        barrier.wait()
        response = requests.post(
            f"{live_server}/api/v1/appointments",
            json=booking(start, email=f"person{number}@example.org"),
            timeout=30,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert sorted(statuses) == [201] + [409] * 19
    booked = [row for row in appointments(svc) if row.state == AppointmentState.BOOKED]
    assert len(booked) == 1


def test_callback_slots_and_a_callback_booked_through_the_api(client, svc, create_counsellor):
    create_counsellor("Anna")
    slots = free_slots(client, type="callback", days=1)
    assert slots[0]["type"] == "callback"
    assert slots[0]["start"] == "2026-11-26T10:15:00+01:00"  # 10 minutes' notice
    body = {
        "type": "callback",
        "start": slots[0]["start"],
        "name": "Herr Bürgermeister",
        "phone": "0151 23456789",
        "consent": True,
    }
    response = client.post("/api/v1/appointments", json=body)
    assert response.status_code == 201, response.json
    assert response.json["type"] == "callback" and response.json["ics_url"] is None
    # the page behind it: tests/web/callbacks/test_callback_manage_link.py
    assert "/rueckruf/" in response.json["manage_url"]
    # one counsellor: the slot is full now, for a second callback and for video alike
    assert client.post("/api/v1/appointments", json=body).status_code == 409
    missing = client.post("/api/v1/appointments", json={**body, "phone": ""})
    assert set(missing.json["error"]["fields"]) == {"phone"}


def test_appointments_and_callbacks_share_the_counsellors(client, create_counsellor):
    create_counsellor("Anna")
    video = free_slots(client)[0]
    assert book(client, video["start"]).status_code == 201
    callback_starts = [slot["start"] for slot in free_slots(client, type="callback", days=1)]
    # 12:00-12:45 and the buffer to 13:00 are taken: no callback then
    assert "2026-11-26T11:45:00+01:00" in callback_starts
    for taken in ("12:00", "12:15", "12:30", "12:45"):
        assert f"2026-11-26T{taken}:00+01:00" not in callback_starts
    assert "2026-11-26T13:00:00+01:00" in callback_starts


def test_a_booked_callback_holds_its_counsellor_against_video(client, create_counsellor):
    create_counsellor("Anna")
    body = {
        "type": "callback",
        "start": "2026-11-26T13:15:00+01:00",
        "name": "X",
        "phone": "0151 23456789",
        "consent": True,
    }
    assert client.post("/api/v1/appointments", json=body).status_code == 201
    starts = [slot["start"] for slot in free_slots(client, days=1)]
    assert "2026-11-26T13:00:00+01:00" not in starts
    assert "2026-11-26T12:00:00+01:00" in starts
    assert book(client, "2026-11-26T13:00:00+01:00").status_code == 409


def test_the_openapi_document_describes_every_field_and_status(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    post = document["paths"]["/appointments"]["post"]
    assert set(post["responses"]) == {"201", "202", "409", "422", "429"}  # 202: held (issue 27)
    fields = document["components"]["schemas"]["BookingRequest"]["properties"]
    assert set(fields) == {"type", "start", "name", "email", "phone", "consent", "case_reference"}
    answer = document["components"]["schemas"]["Booking"]["properties"]
    assert set(answer) == {
        "case_reference",
        "start",
        "end",
        "type",
        "manage_url",
        "ics_url",
        "video_url",
    }
    params = {p["name"] for p in document["paths"]["/slots"]["get"]["parameters"]}
    assert params == {"type", "from", "days"}
    assert set(document["paths"]["/slots"]["get"]["responses"]) == {"200", "422"}
    move = document["paths"]["/termin/{token}/move"]["post"]
    assert set(move["responses"]) == {"200", "404", "409", "422"}
    assert "/termin/{token}/cancel" in document["paths"]
    cancel_callback = document["paths"]["/rueckruf/{token}/cancel"]["post"]
    assert set(cancel_callback["responses"]) == {"200", "404", "409"}
    # every $ref points at a schema that exists
    validate(document)  # a valid OpenAPI 3 document (openapi-spec-validator)
    refs = set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(document)))
    assert refs <= set(document["components"]["schemas"])


def test_a_callback_in_the_buffer_after_a_slot_keeps_that_slot_closed(client, create_counsellor):
    create_counsellor("Anna")
    body = {
        "type": "callback",
        "start": "2026-11-30T09:45:00+01:00",
        "name": "X",
        "phone": "0151 23456789",
        "consent": True,
    }
    assert client.post("/api/v1/appointments", json=body).status_code == 201
    starts = [slot["start"] for slot in free_slots(client, days=1, **{"from": "2026-11-30"})]
    assert "2026-11-30T09:00:00+01:00" not in starts  # 9:00-9:45, held to 10:00
    assert "2026-11-30T10:00:00+01:00" in starts


def test_listings_follow_every_booking_move_and_cancellation(client, create_counsellor):
    """The listing keeps what it read until the booked times change (a cache per process)."""
    create_counsellor("Anna")

    def listed() -> list[str]:
        return [slot["start"] for slot in free_slots(client, days=1)]

    first, second = listed()[:2]
    assert listed() == listed()  # answered again from what was kept
    manage = local_path(book(client, first).json["manage_url"])
    assert first not in listed()
    client.post(manage + "/move", json={"start": second}, headers=JSON)
    assert first in listed() and second not in listed()
    client.post(manage + "/cancel", headers=JSON)
    assert first in listed() and second in listed()


def test_a_retried_booking_with_its_idempotency_key_books_once(client, svc, create_counsellor):
    create_counsellor("Anna")
    create_counsellor("Ben")
    start, other = [slot["start"] for slot in free_slots(client)][:2]
    key = {"Idempotency-Key": "3f1c2a9e-booking-1"}
    first = client.post("/api/v1/appointments", json=booking(start), headers=key)
    again = client.post("/api/v1/appointments", json=booking(start), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(appointments(svc)) == 1
    reused = client.post("/api/v1/appointments", json=booking(other), headers=key)
    assert reused.status_code == 422
    assert set(reused.json["error"]["fields"]) == {"Idempotency-Key"}
    fresh = client.post(
        "/api/v1/appointments", json=booking(start), headers={"Idempotency-Key": "another"}
    )
    assert fresh.status_code == 201 and fresh.json["manage_url"] != first.json["manage_url"]
    assert len(appointments(svc)) == 2


def test_an_idempotency_key_replays_nothing_to_another_client(app, svc, create_counsellor):
    """The attack: the same key with another client's `start` and any name and e-mail must
    not hand over that client's manage link (and with it the appointment and its room)."""
    create_counsellor("Anna")
    create_counsellor("Ben")
    start = free_slots(app.test_client())[0]["start"]
    key = {"Idempotency-Key": "order-1001"}
    official = app.test_client()
    official.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    first = official.post("/api/v1/appointments", json=booking(start), headers=key)
    assert first.status_code == 201

    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    taken = attacker.post(
        "/api/v1/appointments",
        json=booking(start, name="Mallory", email="mallory@example.org"),
        headers=key,
    )
    assert "Idempotent-Replayed" not in taken.headers
    assert first.json["manage_url"] not in taken.get_data(as_text=True)
    assert first.json["video_url"] not in taken.get_data(as_text=True)
    # Ben was free too: the attacker booked an appointment of their own, nothing more
    assert taken.status_code == 201 and taken.json["manage_url"] != first.json["manage_url"]
    assert len(appointments(svc)) == 2


def test_the_same_key_with_another_body_answers_422_and_reveals_nothing(
    client, svc, create_counsellor
):
    create_counsellor("Anna")
    start = free_slots(client)[0]["start"]
    key = {"Idempotency-Key": "order-1001"}
    first = client.post("/api/v1/appointments", json=booking(start), headers=key)
    other_person = booking(start, name="Mallory", email="mallory@example.org")
    refused = client.post("/api/v1/appointments", json=other_person, headers=key)
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == {"Idempotency-Key"}
    text = refused.get_data(as_text=True)
    assert "Location" not in refused.headers and "Idempotent-Replayed" not in refused.headers
    for secret in (first.json["manage_url"], first.json["video_url"], first.json["case_reference"]):
        assert secret not in text
    same_again = client.post("/api/v1/appointments", json=booking(start), headers=key)
    assert same_again.status_code == 201 and same_again.json == first.json
    assert len(appointments(svc)) == 1


def test_idempotency_keys_are_stored_only_as_keyed_digests(client, svc, create_counsellor):
    create_counsellor("Anna")
    start = free_slots(client)[0]["start"]
    client.post("/api/v1/appointments", json=booking(start), headers={"Idempotency-Key": "k-1"})
    with svc.database.transaction() as session:
        from hotline.appointments.models import Appointment

        stored = session.scalars(select(Appointment)).one()
    assert len(stored.request_digest) == len(stored.request_body_digest) == 64
    assert "k-1" not in stored.request_digest
