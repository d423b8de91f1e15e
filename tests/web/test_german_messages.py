"""What officials read when something is wrong is German, without the developers' English
("Bitte eine Uhrzeit wählen. (start is required)"): on the booking page, on the manage pages
and in the JSON API's messages (programs read the `code` and the keys of `fields`)."""

from __future__ import annotations

import re

from tests.support.appointments import book, free_slots, local_path, raised_booking_limit
from tests.support.staff import csrf_token

hotline_config = raised_booking_limit

JSON = {"Accept": "application/json"}
# what the issue found, and the shape of every such tail: "(an English remark)" at the end
ENGLISH_TAILS = ("(start is required)", "(email is required for video)", "(consent must be true)")
ENGLISH_TAIL = re.compile(r"\([A-Za-z0-9' ,.-]+\)\s*$")


def assert_german(message: str) -> None:
    assert message and not ENGLISH_TAIL.search(message), message
    for english in ("is required", "must be", "not a valid", "no such", "at most"):
        assert english not in message, message


def test_the_booking_form_names_its_errors_in_german_only(client, create_counsellor):
    create_counsellor("Anna")
    html = client.get("/termin").get_data(as_text=True)
    response = client.post("/termin", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for english in ENGLISH_TAILS:
        assert english not in page
    messages = re.findall(r'class="field-error" id="[\w-]+">([^<]+)<', page)
    assert len(messages) == 4  # time, name, e-mail address, consent
    for message in messages:
        assert_german(message)
    bad = client.post(
        "/termin",
        data={
            "csrf_token": csrf_token(html),
            "start": "morgen",
            "name": "x" * 81,
            "email": "kaputt",
            "phone": "0900 123456",
            "case_reference": "1234 5679",
            "consent": "ja",
        },
    ).get_data(as_text=True)
    messages = re.findall(r'class="field-error" id="[\w-]+">([^<]+)<', bad)
    assert len(messages) == 5
    for message in messages:
        assert_german(message)


def test_the_api_speaks_german_in_its_messages_and_keeps_its_codes(client, create_counsellor):
    create_counsellor("Anna")
    empty = client.post("/api/v1/appointments", json={}).json["error"]
    assert empty["code"] == "invalid_input"
    assert set(empty["fields"]) == {"start", "name", "email", "consent"}
    bad = client.post(
        "/api/v1/appointments",
        json={
            "type": "fax",
            "start": "2026-11-26T12:00:00",
            "name": "x" * 81,
            "email": "kaputt",
            "phone": "110",
            "case_reference": "1234 5679",
            "consent": "yes",
        },
    ).json["error"]
    slots = client.get("/api/v1/slots?from=morgen&days=99").json["error"]
    assert set(slots["fields"]) == {"from", "days"}
    answers = [
        empty,
        bad,
        slots,
        client.post("/api/v1/appointments", data="[", content_type="application/json").json[
            "error"
        ],
        client.get("/api/v1/nichts").json["error"],
        client.delete("/api/v1/appointments").json["error"],
        client.get("/termin/" + "x" * 43, headers=JSON).json["error"],
    ]
    assert [answer["code"] for answer in answers] == [
        "invalid_input",
        "invalid_input",
        "invalid_input",
        "invalid_json",
        "not_found",
        "method_not_allowed",
        "not_found",
    ]
    for answer in answers:
        assert_german(answer["message"])
        for message in answer["fields"].values():
            assert_german(message)
    assert len(bad["fields"]) == 7


def test_moving_answers_in_german(client, create_counsellor):
    create_counsellor("Anna")
    manage = local_path(book(client, free_slots(client)[0]["start"]).json["manage_url"])
    moved = client.post(f"{manage}/move", json={}, headers=JSON).json["error"]
    assert set(moved["fields"]) == {"start"}
    assert_german(moved["fields"]["start"])
    page = client.get(manage).get_data(as_text=True)
    by_form = client.post(f"{manage}/move", data={"csrf_token": csrf_token(page)})
    assert by_form.status_code == 422
    for message in re.findall(r'class="field-error" id="[\w-]+">([^<]+)<', by_form.text):
        assert_german(message)
    assert "(start is required)" not in by_form.text
