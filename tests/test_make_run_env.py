"""`make run` writes PUBLIC_BASE_URL into .env, so that `hotline simulate` in a second
terminal prints links to the service on the port it runs on (`PORT=8123 make run`), not
:8000. The `public-url` step of `make run` and the real `hotline` command, as processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.processes import REPO
from tests.support.twilio import DATA_KEY


def make_public_url(directory: Path, **variables: str) -> str:
    """`make public-url` (a step of `make run`) in `directory`, which holds the .env."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "PORT")}
    result = subprocess.run(
        ["make", "-s", "-f", str(REPO / "Makefile"), "public-url"],
        cwd=directory,
        env={**environment, **variables},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return (directory / ".env").read_text()


def test_the_simulator_in_a_second_terminal_prints_links_to_the_port_make_run_serves(
    tmp_path, database_url, create_counsellor
):
    create_counsellor("Mia Sommer", email="mia@example.org")
    make_public_url(tmp_path, PORT="8123")
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HOTLINE_", "PUBLIC_BASE_URL", "PORT", "TWILIO_", "DATABASE_URL"))
    }
    result = subprocess.run(  # a second terminal: only what the operator's shell has
        [
            str(Path(sys.executable).parent / "hotline"),
            "simulate",
            "--at",
            "2026-11-28 11:00",
            "--keys",
            "- - 2 1",  # out of hours: a video appointment, the first slot
        ],
        cwd=tmp_path,
        env={
            **environment,
            "DATABASE_URL": database_url,
            "HOTLINE_INSTANCE_PATH": str(tmp_path / "instance"),
            "HOTLINE_DATA_KEY": DATA_KEY,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "http://127.0.0.1:8123/twilio/voice/incoming" in result.stdout
    assert "http://127.0.0.1:8123/termin/" in result.stdout  # the manage link in the SMS
    assert ":8000" not in result.stdout


def test_the_local_url_follows_the_port_and_one_of_your_own_is_kept(tmp_path):
    assert "PUBLIC_BASE_URL=http://127.0.0.1:8123\n" in make_public_url(tmp_path, PORT="8123")
    env = make_public_url(tmp_path, PORT="8124")
    assert "PUBLIC_BASE_URL=http://127.0.0.1:8124\n" in env and "8123" not in env
    assert env.startswith("HOTLINE_ENV=development\n")
    (tmp_path / ".env").write_text(
        "HOTLINE_ENV=development\nPUBLIC_BASE_URL=https://t.example.org\n"
    )
    assert "PUBLIC_BASE_URL=https://t.example.org\n" in make_public_url(tmp_path, PORT="8125")
    given = make_public_url(tmp_path, PORT="8125", PUBLIC_BASE_URL="https://u.example.org")
    assert (
        given.count("PUBLIC_BASE_URL=") == 1 and "PUBLIC_BASE_URL=https://u.example.org\n" in given
    )
