"""One rule for numbers and one for addresses, whether they come by phone, the booking page or
the API (issue 21): the hotline's own number, premium and other uncallable numbers are refused
everywhere with the reason the phone menu speaks; toll-free numbers are taken. Addresses are
checked by `email-validator` and kept in its normalised form; control characters never pass."""

from __future__ import annotations

import re

import pytest

from tests.support.appointments import appointments, book, free_slots, raised_booking_limit

hotline_config = raised_booking_limit

OURS = "+498003009944"  # HOTLINE_NUMBER's default, which the test app keeps


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def callback(start: str, phone: str) -> dict[str, object]:
    return {
        "type": "callback",
        "start": start,
        "name": "Herr Bürgermeister",
        "phone": phone,
        "consent": True,
    }


@pytest.mark.parametrize(
    ("phone", "says"),
    [
        (OURS, "Nummer der starken Stelle selbst"),
        ("0800 300 99 44", "Nummer der starken Stelle selbst"),
        ("0900 1234567", "kostenpflichtige Sondernummer"),
        ("01805 123456", "geteilten Kosten"),
        ("110", "Notrufnummer"),
    ],
)
def test_the_api_refuses_a_callback_to_numbers_the_phone_menu_refuses_with_the_reason(
    client, create_counsellor, phone, says
):
    create_counsellor("Anna")
    start = free_slots(client, type="callback", days=1)[0]["start"]
    response = client.post("/api/v1/appointments", json=callback(start, phone))
    assert response.status_code == 422, response.json
    fields = response.json["error"]["fields"]
    assert set(fields) == {"phone"}
    assert says in fields["phone"]


def test_the_api_books_a_callback_to_a_toll_free_number_that_is_not_ours(client, create_counsellor):
    create_counsellor("Anna")
    start = free_slots(client, type="callback", days=1)[0]["start"]
    response = client.post("/api/v1/appointments", json=callback(start, "0800 1110111"))
    assert response.status_code == 201, response.json


def test_the_booking_page_refuses_the_hotlines_own_number_for_the_sms(client, create_counsellor):
    create_counsellor("Anna")
    html = client.get("/termin").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(html),
        "start": "2026-11-26T12:00:00+01:00",
        "name": "Ratsfrau K.",
        "email": "rat@example.org",
        "phone": "0800 3009944",
        "consent": "ja",
    }
    response = client.post("/termin", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="phone-fehler"' in page and "Nummer der starken Stelle selbst" in page


BAD_ADDRESSES = [
    "a\x00b@example.org",
    "a\nb@example.org",
    "a\x1bb@example.org",
    "a\x7fb@example.org",
    "anna@example.org\x00",
    "x@localhost",
    "x@example.invalid",
    '"a b"@example.org',
    "a@[127.0.0.1]",
    "a..b@example.org",
]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_the_api_refuses_addresses_with_control_characters_or_no_real_domain(
    client, svc, create_counsellor, address
):
    create_counsellor("Anna")
    response = book(client, free_slots(client)[0]["start"], email=address)
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) == {"email"}
    assert appointments(svc) == []


@pytest.mark.parametrize("address", ["a\x00b@example.org", "x@localhost"])
def test_the_booking_page_refuses_them_at_the_field(client, svc, create_counsellor, address):
    create_counsellor("Anna")
    html = client.get("/termin").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(html),
        "start": "2026-11-26T12:00:00+01:00",
        "name": "Ratsfrau K.",
        "email": address,
        "consent": "ja",
    }
    response = client.post("/termin", data=form)
    assert response.status_code == 422
    assert 'id="email-fehler"' in response.get_data(as_text=True)
    assert appointments(svc) == []


def test_an_address_is_kept_in_its_normalised_form(client, svc, create_counsellor):
    create_counsellor("Anna")
    response = book(client, free_slots(client)[0]["start"], email="  Amt@Bürgeramt.Example ")
    assert response.status_code == 201, response.json
    (row,) = appointments(svc)
    assert svc.cipher.decrypt(row.email_encrypted) == "Amt@xn--brgeramt-65a.example"


@pytest.mark.parametrize("name", ["Anna\x00", "Anna\u202eBerger", "Anna\u2028Berger"])
def test_a_name_with_control_characters_is_refused(client, create_counsellor, name):
    create_counsellor("Anna")
    response = book(client, free_slots(client)[0]["start"], name=name)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"name"}
