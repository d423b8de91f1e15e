"""An appointment booked by phone has no e-mail address until the official adds one: its manage
page promises no mail (issue 22). Booked with the simulator (key 2 out of hours, a mobile
number: the SMS carries the manage link), then the page through HTTP."""

from __future__ import annotations

import re

from tests.support.appointments import book, local_path, raised_booking_limit
from tests.support.times import berlin

hotline_config = raised_booking_limit
JSON = {"Accept": "application/json"}
BY_MAIL = ("per E-Mail", "E-Mail unterwegs")


def where_one_cancels(client, manage: str) -> str:
    """The page holding the form that cancels: the manage page, or the question it links to
    ("Termin absagen?")."""
    page = client.get(manage).get_data(as_text=True)
    if f'action="{manage}/cancel"' not in page:
        question = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Termin absagen</a>', page).group(1)
        page = client.get(question).get_data(as_text=True)
    assert f'action="{manage}/cancel"' in page
    return page


def phone_booked_manage_path(simulate_call, clock) -> str:
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday
    transcript = simulate_call(["-", "-", "2", "1"])  # closed menu: 2 = video, the first time
    [sms] = [e.text for e in transcript.counsellor_events if e.attributes["what"] == "sms"]
    return local_path(re.search(r"https://\S+", sms).group(0))


def test_only_an_appointment_with_an_address_is_promised_a_mail(
    simulate_call, clock, client, create_counsellor
):
    create_counsellor("Anna")
    manage = phone_booked_manage_path(simulate_call, clock)
    page = client.get(manage).get_data(as_text=True)
    assert "E-Mail-Adresse ergänzen" in page and "Termin absagen" in page
    assert "Bestätigung per E-Mail" not in page
    question = where_one_cancels(client, manage)
    assert "Wenn Sie absagen, wird die Zeit wieder frei" in question
    assert "Bestätigung per E-Mail" not in question
    assert client.post(manage + "/cancel", headers=JSON).json["state"] == "canceled"
    canceled = client.get(manage + "?abgesagt=1").get_data(as_text=True)
    assert "Ihr Termin ist abgesagt." in canceled
    assert not any(words in canceled for words in BY_MAIL)

    # booked on the page, with an address: the mail is promised, and the cancellation mailed
    booked = book(client, "2026-11-30T12:00:00+01:00").json
    manage = local_path(booked["manage_url"])
    question = where_one_cancels(client, manage)
    assert "Sie bekommen eine Bestätigung per E-Mail." in question
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', question).group(1)
    canceled = client.post(manage + "/cancel", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Eine Bestätigung ist per E-Mail unterwegs." in canceled.get_data(as_text=True)
