"""The login and booking limits hold across processes and machines when they share a Redis
store: two gunicorn masters (two nodes) with two workers each, requests spread over all four,
count against one budget per client. With the per-process store they would not, which the
last test shows, so that the first one can fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from tests.support.processes import WebNode, web_node
from tests.support.twilio import app_environment

LOGINS_PER_MINUTE = 10  # web/staff/login.py's default rate
BOOKINGS = 6
Request = Callable[[WebNode], int]


def _environment(database_url: str, tmp_path: Path, storage_uri: str, prefix: str) -> dict:
    config = tmp_path / "hotline.toml"
    config.write_text(f'[appointments]\nbookings_per_client = "{BOOKINGS} per hour"\n')
    return app_environment(
        database_url,
        HOTLINE_CONFIG=str(config),
        HOTLINE_INSTANCE_PATH=str(tmp_path / "instance"),
        RATELIMIT_STORAGE_URI=storage_uri,
        RATELIMIT_KEY_PREFIX=prefix,
    )


def _two_nodes(stack: ExitStack, environment: dict, tmp_path: Path) -> list[WebNode]:
    return [
        stack.enter_context(web_node(environment, tmp_path / f"node-{index}.log", workers=2))
        for index in range(2)
    ]


def _login(node: WebNode) -> int:
    # no CSRF token: the form is refused (400), but only after the limit has counted it
    body = b"email=someone%40example.org&password=wrong"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return node.request("POST", "/staff/login", body, headers)[0]


def _book_by_api(node: WebNode) -> int:
    body = json.dumps({"type": "video"}).encode()  # incomplete: 422 once the limit let it in
    return node.request("POST", "/api/v1/appointments", body, {"Content-Type": "application/json"})[
        0
    ]


def _book_by_page(node: WebNode) -> int:
    body = b"type=video&name=x"  # no CSRF token: 400 once the limit let it in
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return node.request("POST", "/termin", body, headers)[0]


def _spread(nodes: list[WebNode], requests: list[Request]) -> list[int]:
    """Each request to the next node in turn, four at a time (so that both workers of a node
    are busy), as a load balancer in front of two machines would send them."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [
            pool.submit(request, nodes[index % len(nodes)])
            for index, request in enumerate(requests)
        ]
        return [future.result() for future in futures]


def test_two_nodes_of_two_workers_share_one_login_and_one_booking_budget(
    database_url, store, tmp_path
):
    environment = _environment(database_url, tmp_path, store.url, store.prefix)
    with ExitStack() as stack:
        nodes = _two_nodes(stack, environment, tmp_path)
        logins = _spread(nodes, [_login] * (LOGINS_PER_MINUTE + 6))
        bookings = _spread(nodes, [_book_by_api, _book_by_page] * BOOKINGS)

    assert sorted(set(logins)) == [400, 429]
    assert logins.count(429) == 6, logins  # exactly the budget passed, over four workers
    assert sorted(set(bookings)) == [400, 422, 429]
    assert bookings.count(429) == BOOKINGS, bookings  # the page and the API share it too
    assert store.keys(), "the limits were counted in Redis"


def test_without_a_shared_store_each_node_counts_on_its_own(database_url, tmp_path):
    """The same requests with memory://: every node lets a budget of its own through."""
    environment = _environment(database_url, tmp_path, "memory://", "")
    with ExitStack() as stack:
        nodes = _two_nodes(stack, environment, tmp_path)
        logins = _spread(nodes, [_login] * (LOGINS_PER_MINUTE + 6))

    assert logins.count(429) == 0, logins  # 8 per node, at most 8 per worker: none refused


def test_an_unreachable_store_leaves_booking_open_with_limits_per_process(database_url, tmp_path):
    """Redis down: the page and the API still answer (each process counts on its own until
    the store is back) instead of a 500 for an official who wants an appointment."""
    from hotline.app import create_app
    from hotline.config import load_settings
    from hotline.services import services
    from tests.support.processes import free_port

    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    environment = _environment(database_url, tmp_path, closed, "unreachable")
    app = create_app(load_settings(environment, instance_path=tmp_path / "instance"))
    try:
        client = app.test_client()
        answers = [
            client.post("/api/v1/appointments", json={"type": "video"}).status_code
            for _ in range(BOOKINGS + 2)
        ]
    finally:
        services(app).database.dispose()
    assert answers == [422] * BOOKINGS + [429, 429]
