"""A callback that did not reach the caller, on the case's timeline in the console (issue 22):
why in German ("besetzt", not Twilio's "busy"), and the attempts counted by the one plural
rule ("nach 1 Versuch", not "nach 1 Versuchen"). Booked with the simulator, placed by the
scheduler's dispatcher, the counsellor's leg over signed HTTP, the page through HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.callbacks import SATURDAY_BOOKING, CallbackDriver
from tests.support.staff import add_staff, log_in
from tests.support.times import berlin


@pytest.fixture
def hotline_config(tmp_path: Path) -> str:
    path = tmp_path / "hotline.toml"
    path.write_text("[callbacks]\nmax_attempts = 1\n")
    return str(path)


def test_an_unreached_caller_is_on_the_timeline_in_german(
    simulate_call, clock, client, svc, twilio, dispatcher, fake_twilio, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    simulate_call(SATURDAY_BOOKING)  # for Monday 9:00
    driver = CallbackDriver(twilio, svc, dispatcher, fake_twilio)
    clock.set(berlin(2026, 11, 30, 9, 0))
    [leg] = driver.ring()
    driver.answer(leg)
    driver.press_at_whisper(leg, "1")
    driver.dial_ends(leg, "busy")  # the one attempt allowed: failed
    reference = driver.case_reference(driver.callback().case_id)

    add_staff(svc, clock, "anna@example.org")
    assert log_in(client, "anna@example.org").status_code == 302
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "Versuch 1: nicht erreicht (besetzt)" in page
    assert "Rückruf nach 1 Versuch nicht erreicht" in page
    assert "(busy)" not in page and "1 Versuchen" not in page
