"""Behind a reverse proxy (TRUSTED_PROXIES=1) each client keeps its own booking budget, told
apart by the address the proxy adds to X-Forwarded-For; without it the header is ignored,
so a client cannot escape the limit by inventing addresses."""

from __future__ import annotations

import pytest

from tests.support.appointments import booking, free_slots


@pytest.fixture
def hotline_config(tmp_path) -> str:
    path = tmp_path / "hotline.toml"
    path.write_text('[appointments]\nbookings_per_client = "1 per minute"\n')
    return str(path)


@pytest.fixture(params=["1", "0"])
def environment(request, environment):
    return {**environment, "TRUSTED_PROXIES": request.param}


def post_from(client, address: str, start: str, number: int) -> int:
    response = client.post(
        "/api/v1/appointments",
        json=booking(start, email=f"p{number}@example.org"),
        headers={"X-Forwarded-For": address},
    )
    return response.status_code


def test_each_client_behind_the_proxy_has_its_own_budget(client, environment, create_counsellor):
    create_counsellor("Anna")
    create_counsellor("Ben")
    starts = [slot["start"] for slot in free_slots(client)]
    first = post_from(client, "203.0.113.7", starts[0], 1)
    second = post_from(client, "198.51.100.9", starts[1], 2)
    assert first == 201
    if environment["TRUSTED_PROXIES"] == "1":
        assert second == 201  # another official
        assert post_from(client, "203.0.113.7", starts[2], 3) == 429
    else:
        assert second == 429  # the header proves nothing without a trusted proxy
