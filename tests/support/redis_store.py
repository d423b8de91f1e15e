"""The Redis server on this machine (127.0.0.1:6379) as the shared rate-limit store of a test.

Every test gets a key prefix of its own in one database kept for these tests, and deletes
only the keys under that prefix at the end: parallel runs (and other projects' keys in the
same server) are left alone. `.ci/run` makes sure the server is up and sets
HOTLINE_TEST_REDIS_REQUIRED=1, so that in CI a missing server fails instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@dataclass(frozen=True)
class RedisStore:
    url: str  # RATELIMIT_STORAGE_URI
    prefix: str  # RATELIMIT_KEY_PREFIX

    def keys(self) -> list[str]:
        """Every key this test's limits wrote (Flask-Limiter puts the prefix inside them)."""
        import redis

        client = redis.Redis.from_url(self.url)
        try:
            return [key.decode() for key in client.scan_iter(match=f"*{self.prefix}*")]
        finally:
            client.close()


def _reachable(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@contextmanager
def redis_store() -> Iterator[RedisStore]:
    """A prefix of its own in the test database; its keys are deleted afterwards."""
    if not _reachable(TEST_REDIS_URL):
        message = f"no Redis server at {TEST_REDIS_URL} (redis-server --daemonize yes)"
        if os.environ.get("HOTLINE_TEST_REDIS_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    store = RedisStore(TEST_REDIS_URL, f"hotline-test-{uuid.uuid4().hex}")
    try:
        yield store
    finally:
        import redis

        client = redis.Redis.from_url(store.url)
        try:
            for key in client.scan_iter(match=f"*{store.prefix}*"):
                client.delete(key)
        finally:
            client.close()
