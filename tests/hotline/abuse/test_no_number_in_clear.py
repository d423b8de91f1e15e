"""After blocking, counting, challenging and booking, the database holds no caller's number
and no booker's address in clear: every column of every table is read and searched, in
every spelling of the number."""

from __future__ import annotations

from sqlalchemy import select

from hotline.schema import metadata
from tests.support.appointments import book, free_slots, raised_booking_limit
from tests.support.protection import WITHHELD, Caller

NUMBER = "+4915123456789"
OTHER = "+4930123456789"
EMAIL = "amtstraegerin.klar@example.org"
SPELLINGS = (NUMBER, "4915123456789", "015123456789", "15123456789", "0151 23456789")
FOUND_NOWHERE = (*SPELLINGS, OTHER, "4930123456789", "030123456789", EMAIL, "amtstraegerin")
hotline_config = raised_booking_limit


def every_stored_value(svc) -> list[tuple[str, str]]:
    """(table.column, the value as text) for every non-empty value in the database."""
    found = []
    with svc.database.transaction() as session:
        for table in metadata().sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    if isinstance(value, bytes | memoryview):
                        text = bytes(value).decode("latin-1")
                    else:
                        text = str(value)
                    found.append((f"{table.name}.{column}", text))
    return found


def test_the_database_holds_no_number_in_clear_after_any_of_it(
    svc, client, twilio, hotline, create_counsellor
):
    create_counsellor("Anna"), create_counsellor("Ben")
    caller = Caller(twilio)
    first = caller.calls_through(NUMBER)
    assert first.queued
    assert hotline("block", "add", "--call", first.sid, "--reason", "Drohanrufe").exit_code == 0
    assert "Drohanrufe" in hotline("block", "list").output  # kept, but encrypted
    caller.calls_through(NUMBER)  # refused
    for _ in range(7):
        caller.calls_through(OTHER)  # the seventh refused
    hotline("flood", "on")
    challenged = caller.rings(WITHHELD)
    caller.types_challenge(challenged, challenged.challenge_digits)
    failed = caller.rings(OTHER)
    caller.types_challenge(failed, "")
    caller.types_challenge(failed, "", attempt=2)
    start = free_slots(client)[0]["start"]
    assert book(client, start, email=EMAIL).status_code == 201
    assert book(client, start, type="phone", email=None, phone="0151 23456789").status_code == 409
    assert hotline("block", "lift", "1").exit_code == 0
    phone = book(client, free_slots(client)[1]["start"], type="phone", email=None, phone=NUMBER)
    assert phone.status_code == 201

    stored = every_stored_value(svc)

    assert len(stored) > 100  # the scan saw the data, clear text included:
    assert ("counsellors.name", "Anna") in stored
    tables = {place.split(".")[0] for place, _ in stored}
    assert {"calls", "caller_blocks", "call_challenges", "appointments", "audit_log"} <= tables
    leaks = [
        (place, secret)
        for place, value in stored
        for secret in FOUND_NOWHERE
        if secret.lower() in value.lower()
    ]
    assert leaks == []
