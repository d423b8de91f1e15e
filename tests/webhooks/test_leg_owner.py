"""A placed leg says whom it is for: its status callback URL names the owner next to its work
row, and the status webhook hands the report to that one domain."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from hotline.routing.models import OfferState
from tests.support.routing import RoutingDriver

CALLER = "CA" + "c3" * 16


@pytest.fixture
def switch(twilio, svc, dispatcher, fake_twilio) -> RoutingDriver:
    return RoutingDriver(twilio, svc, dispatcher, fake_twilio)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_counsellor_rung_for_a_caller_in_line_is_an_offer_leg(switch, create_counsellor):
    create_counsellor("Anna")
    switch.caller_waits(CALLER)
    [leg] = switch.ring()
    assert query_of(leg.status_url)["leg"] == ["offer"]
    assert query_of(leg.status_url)["work"] == [str(leg.work_id)]


def test_the_report_of_an_offer_leg_reaches_the_line(switch, create_counsellor):
    create_counsellor("Anna")
    switch.caller_waits(CALLER)
    [leg] = switch.ring()
    assert switch.status(leg, "no-answer").status_code == 200
    assert switch.offer(leg).state == OfferState.PASSED


def test_a_leg_that_names_another_owner_changes_no_offer(switch, create_counsellor):
    """The URL decides: a report for a callback's leg is not taken as the line's."""
    create_counsellor("Anna")
    switch.caller_waits(CALLER)
    [leg] = switch.ring()
    path = switch._path(leg.status_url).replace("leg=offer", "leg=callback")
    response = switch.twilio.post(path, leg.params(CallStatus="no-answer"))
    assert response.status_code == 200
    assert switch.offer(leg).state != OfferState.PASSED


@pytest.mark.parametrize("owner", ["", "x" * 300, "offer;drop", "Offer"])
def test_an_unknown_owner_is_refused_quietly_and_the_report_is_still_taken(
    switch, create_counsellor, owner
):
    """Anything else in `leg` is dropped (logged as a rejection): the report goes to whoever
    rang the work row, as for rows queued before legs named their owner."""
    create_counsellor("Anna")
    switch.caller_waits(CALLER)
    [leg] = switch.ring()
    path = switch._path(leg.status_url).replace("leg=offer", f"leg={owner}")
    response = switch.twilio.post(path, leg.params(CallStatus="no-answer"))
    assert response.status_code == 200
    assert switch.offer(leg).state == OfferState.PASSED
