"""The minimum notice (`[appointments] min_notice_minutes`, 2 h by default): inside it an
official can neither book a time nor move or cancel an appointment online; the page and the
API say whom to call instead (the number, the e-mail address, 110). Staff still can."""

from __future__ import annotations

import re
from datetime import timedelta

from hotline.appointments.models import AppointmentState
from tests.support.appointments import appointments, book, local_path, raised_booking_limit
from tests.support.times import berlin

hotline_config = raised_booking_limit
WHOM_TO_CALL = ("weniger als 2 Stunden", "0800 300 99 44", "110")


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def says_whom_to_call(message: str, svc) -> bool:
    return all(part in message for part in WHOM_TO_CALL) and (svc.settings.contact_email in message)


def test_a_booking_30_minutes_ahead_is_refused_in_german(client, svc, clock, create_counsellor):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 26, 10, 30))  # 11:00 is on the grid, 30 minutes ahead
    refused = book(client, "2026-11-26T11:00:00+01:00")
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "too_short_notice"
    assert says_whom_to_call(refused.json["error"]["message"], svc)
    # the first time the API offers is outside the notice, and it can be booked
    assert book(client, "2026-11-26T13:00:00+01:00").status_code == 201
    assert [a.start for a in appointments(svc)] == [berlin(2026, 11, 26, 13, 0)]


def test_the_booking_page_says_whom_to_call(client, svc, clock, create_counsellor):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 26, 10, 30))
    html = client.get("/termin").get_data(as_text=True)
    assert "2026-11-26T11:00:00+01:00" not in html  # never offered
    form = {
        "csrf_token": csrf_token(html),
        "start": "2026-11-26T11:00:00+01:00",  # a page left open since 8:00
        "name": "Ratsfrau K.",
        "email": "rat@example.org",
        "consent": "ja",
    }
    refused = client.post("/termin", data=form)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True).replace("&#34;", '"')
    assert 'role="alert"' in page and says_whom_to_call(page, svc)
    assert appointments(svc) == []


def test_inside_the_notice_the_manage_page_offers_no_change_online(
    client, svc, clock, create_counsellor
):
    create_counsellor("Anna")
    booked = book(client, "2026-11-26T14:00:00+01:00").json
    manage = local_path(booked["manage_url"])
    page = client.get(manage).get_data(as_text=True)
    assert "Termin verlegen" in page and "Termin absagen" in page
    token = csrf_token(page)
    clock.set(berlin(2026, 11, 26, 12, 30))  # 90 minutes before it begins
    page = client.get(manage).get_data(as_text=True)
    assert says_whom_to_call(page, svc)
    assert "/cancel" not in page and 'name="start"' not in page
    # posted anyway (a page left open): refused, nothing changed, the page says why
    cancel = client.post(manage + "/cancel", data={"csrf_token": token})
    assert cancel.status_code == 409 and says_whom_to_call(cancel.get_data(as_text=True), svc)
    move = client.post(
        manage + "/move", data={"csrf_token": token, "start": "2026-11-27T14:00:00+01:00"}
    )
    assert move.status_code == 409
    assert client.get(manage + "/cancel").status_code == 303  # no question to ask
    json_cancel = client.post(manage + "/cancel", headers={"Accept": "application/json"})
    assert json_cancel.status_code == 409
    assert json_cancel.json["error"]["code"] == "too_short_notice"
    (row,) = appointments(svc)
    assert row.state == AppointmentState.BOOKED
    assert row.start == berlin(2026, 11, 26, 14, 0)


def test_moving_into_the_notice_is_refused_but_outside_it_works(
    client, svc, clock, create_counsellor
):
    create_counsellor("Anna")
    booked = book(client, "2026-11-27T14:00:00+01:00").json
    manage = local_path(booked["manage_url"])
    headers = {"Accept": "application/json"}
    inside = client.post(manage + "/move", json={"start": "2026-11-26T11:00:00+01:00"})
    assert inside.status_code == 409 and inside.json["error"]["code"] == "too_short_notice"
    moved = client.post(
        manage + "/move", json={"start": "2026-11-26T15:00:00+01:00"}, headers=headers
    )
    assert moved.status_code == 200, moved.json
    (row,) = appointments(svc)
    assert row.start == berlin(2026, 11, 26, 15, 0) and row.sequence == 1


def test_staff_may_cancel_inside_the_notice(hotline, client, svc, clock, create_counsellor):
    create_counsellor("Anna")
    book(client, "2026-11-26T13:00:00+01:00")
    clock.advance(timedelta(hours=2))  # 12:00: an hour before it begins
    (row,) = appointments(svc)
    result = hotline("appointments", "cancel", str(row.id))
    assert result.exit_code == 0, result.output
    assert appointments(svc)[0].state == AppointmentState.CANCELED
