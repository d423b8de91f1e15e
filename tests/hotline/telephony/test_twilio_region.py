"""Where Twilio processes the service's data: `TWILIO_REGION=ie1 TWILIO_EDGE=dublin` builds
the REST client for that region and edge (its requests name api.dublin.ie1.twilio.com, which
the tests' redirect sends on to the fake Twilio), the deletions of Twilio's records go there
too, the webhook signature check is unchanged (it holds against PUBLIC_BASE_URL), and the
privacy notice names the region."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from hotline.app import make_gateway
from hotline.config import ConfigError, load_settings
from hotline.telephony.gateway import OutboundCall, RedirectingHttpClient
from tests.support.twilio import ACCOUNT_SID, CALLER, app_environment, voice_params

EU = {"TWILIO_REGION": "ie1", "TWILIO_EDGE": "dublin"}


@pytest.fixture
def environment(database_url, fake_twilio, hotline_config) -> dict[str, str]:
    return app_environment(
        database_url, HOTLINE_CONFIG=hotline_config, TWILIO_API_BASE_URL=fake_twilio.url, **EU
    )


@pytest.fixture
def hosts_asked(monkeypatch) -> list[str]:
    """The host each REST request was built for, before the tests' redirect to the fake."""
    asked: list[str] = []
    original = RedirectingHttpClient.request

    def noting(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(urlsplit(url).hostname or "")
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(RedirectingHttpClient, "request", noting)
    return asked


def test_the_client_is_built_for_the_region_and_edge(svc, fake_twilio, hosts_asked):
    gateway = svc.gateway
    assert (gateway.region, gateway.edge) == ("ie1", "dublin")
    gateway.place_call(
        OutboundCall(CALLER, "https://x.example/answer", "https://x.example/status", "+49800")
    )
    gateway.delete_call("CA" + "3" * 32)
    gateway.delete_message("SM" + "4" * 32)
    assert hosts_asked == ["api.dublin.ie1.twilio.com"] * 3
    assert fake_twilio.requests[0].path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
    assert fake_twilio.deleted_records("Calls") == ["CA" + "3" * 32]
    assert fake_twilio.deleted_records("Messages") == ["SM" + "4" * 32]


def test_without_them_twilio_s_default_region_is_used(tmp_path, fake_twilio, hosts_asked):
    settings = load_settings(
        app_environment("sqlite://", TWILIO_API_BASE_URL=fake_twilio.url),
        instance_path=tmp_path,
    )
    gateway = make_gateway(settings)
    assert (gateway.region, gateway.edge) == (None, None)
    gateway.delete_call("CA" + "3" * 32)
    assert hosts_asked == ["api.twilio.com"]


@pytest.mark.parametrize("name, value", [("TWILIO_REGION", "ie1.evil"), ("TWILIO_EDGE", "a b")])
def test_a_region_or_edge_that_is_no_host_name_part_is_refused(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings(app_environment("sqlite://", **{name: value}), instance_path=tmp_path)


def test_webhooks_signed_for_the_public_url_still_pass_and_unsigned_ones_do_not(twilio):
    params = voice_params("CA" + "5" * 32)
    assert twilio.post("/twilio/voice/incoming", params).status_code == 200
    assert twilio.post("/twilio/voice/incoming", params, signature="").status_code == 403


def test_the_privacy_notice_names_the_region(client):
    html = client.get("/datenschutz").get_data(as_text=True)
    assert '<span id="twilio-region">ie1</span>' in html and "Europäischen Union" in html
