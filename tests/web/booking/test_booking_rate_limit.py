"""Booking is rate-limited per client, one budget for the page and the API; the limit
answers 429 in the API's error shape and as a German page."""

from __future__ import annotations

import pytest

from tests.support.appointments import book, free_slots
from web.security import limiter


@pytest.fixture
def hotline_config(tmp_path) -> str:
    path = tmp_path / "hotline.toml"
    path.write_text('[appointments]\nbookings_per_client = "2 per minute"\n')
    return str(path)


def test_the_third_booking_in_a_minute_is_refused(client, create_counsellor, caplog):
    create_counsellor("Anna")
    create_counsellor("Ben")
    slots = free_slots(client)
    assert book(client, slots[0]["start"]).status_code == 201
    assert book(client, slots[1]["start"]).status_code == 201
    refused = book(client, slots[2]["start"])
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    page = client.post("/termin", data={})
    assert page.status_code == 429 and "Zu viele Anfragen" in page.get_data(as_text=True)
    assert "127.0.0.1" not in caplog.text  # client addresses are not logged


def test_the_webhooks_do_not_pass_through_the_limiter(app):
    """Every step of every call would pay for looking up limits it does not have."""
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    assert limiter._check_request_limit in app.before_request_funcs["api"]
