"""A request that fails on a link's page logs the failure, but not the link's secret, and no
statement's values: Flask's "Exception on /termin/<token>/move", the traceback and the SQL
error message are all redacted (through HTTP, on both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from hotline.link_tokens import new_link_token
from tests.support.appointments import book, free_slots, local_path, raised_booking_limit

hotline_config = raised_booking_limit

FAILING_INSERT = "INSERT INTO no_such_table (secret, extra) VALUES (:secret, :extra)"
MARKER = "wert-der-nie-im-log-stehen-darf"


def failing_lookup(session, _column, token):
    """A lookup that fails in the database, with the token and another value as parameters."""
    session.execute(text(FAILING_INSERT), {"secret": token, "extra": MARKER})


@pytest.fixture
def failing_links(app, monkeypatch):
    """Every link lookup fails in the database; the app logs what Flask logs in production."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for module in (
        "scheduling.appointments.desk",
        "hotline.callbacks.links",
        "hotline.appointments.feed",
    ):
        monkeypatch.setattr(f"{module}.holder_of", failing_lookup)


def assert_logged_without(captured: str, *secrets: str) -> None:
    assert "Exception on" in captured  # the failure itself is logged
    for secret in (*secrets, MARKER):
        assert secret not in captured


def test_a_failing_manage_page_logs_neither_the_token_nor_sql_values(
    client, create_counsellor, failing_links, capfd
):
    create_counsellor("Anna")
    start, other = [slot["start"] for slot in free_slots(client)][:2]
    booked = book(client, start).json
    token = local_path(booked["manage_url"]).removeprefix("/termin/")
    capfd.readouterr()
    for method, path, body in (
        ("post", f"/termin/{token}/move", {"start": other}),
        ("post", f"/termin/{token}/cancel", {}),
        ("get", f"/termin/{token}", None),
        ("get", f"/termin/{token}/termin.ics", None),
    ):
        response = getattr(client, method)(path, json=body)
        assert response.status_code == 500
    captured = capfd.readouterr().err
    assert "[SQL:" in captured and "no_such_table" in captured
    assert_logged_without(captured, token)


@pytest.mark.parametrize("path", ["/rueckruf/{token}", "/kalender/{token}.ics"])
def test_callback_and_feed_links_stay_out_of_the_log(client, failing_links, capfd, path):
    token = new_link_token()
    assert client.get(path.format(token=token)).status_code == 500
    assert_logged_without(capfd.readouterr().err, token)
