"""Booking video appointments through the JSON API, as an integration or the page would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from hotline.appointments.models import Appointment
from tests.support.twilio import PUBLIC_BASE_URL

RELAXED_LIMITS = '[appointments]\nbookings_per_client = "1000 per minute"\n'


@pytest.fixture
def raised_booking_limit(tmp_path: Path) -> str:
    """HOTLINE_CONFIG for tests that book more often than a person would; a module uses it
    with `hotline_config = raised_booking_limit`."""
    path = tmp_path / "hotline.toml"
    path.write_text(RELAXED_LIMITS)
    return str(path)


def free_slots(client: FlaskClient, **query: Any) -> list[dict[str, str]]:
    response = client.get("/api/v1/slots", query_string={"type": "video", **query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["slots"]


def booking(start: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "video",
        "start": start,
        "name": "Frau Amtsträgerin",
        "email": "amt@example.org",
        "consent": True,
        **fields,
    }


def book(client: FlaskClient, start: str, **fields: Any) -> Any:
    return client.post("/api/v1/appointments", json=booking(start, **fields))


def book_phone(client: FlaskClient, start: str) -> Any:
    """A phone appointment for a mobile number, without an address."""
    body = {"type": "phone", "start": start, "name": "X", "phone": "0151 23456789", "consent": True}
    return client.post("/api/v1/appointments", json=body)


def local_path(url: str) -> str:
    """The path of a public URL, for the test client."""
    assert url.startswith(PUBLIC_BASE_URL), url
    return url[len(PUBLIC_BASE_URL) :]


def appointments(svc: Any) -> list[Appointment]:
    with svc.database.transaction() as session:
        rows = list(session.scalars(select(Appointment).order_by(Appointment.id)))
        session.expunge_all()
        return rows
