"""`make run` starts the Procfile's two processes with honcho; Ctrl-C stops both."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.processes import REPO, wait_for
from tests.support.twilio import DATA_KEY


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return json.loads(answer.read())
    except OSError:
        return None


def test_the_procfile_runs_web_and_scheduler_together_and_ctrl_c_stops_both(tmp_path: Path):
    bin_dir = Path(sys.executable).parent
    port = free_port()
    environment = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOTLINE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}",
        "HOTLINE_INSTANCE_PATH": str(tmp_path / "instance"),
        "HOTLINE_DATA_KEY": DATA_KEY,
        "HOTLINE_CONFIG": "",
        "PORT": str(port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    subprocess.run(
        [bin_dir / "hotline", "db", "upgrade"], env=environment, check=True, capture_output=True
    )
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    log = (tmp_path / "honcho.log").open("wb")
    honcho = subprocess.Popen(
        [bin_dir / "honcho", "start", "-f", REPO / "Procfile", "-d", REPO, "-e", empty_env_file],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        answer = wait_for(
            lambda: (
                (h := health(port)) and h["scheduler"]["heartbeat_age_seconds"] is not None and h
            ),
            60,
            "web to answer /healthz with an active scheduler",
        )
        assert answer["status"] == "ok"
        status = subprocess.run(
            [bin_dir / "hotline", "scheduler", "status"],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "aktiv" in status.stdout
    finally:
        os.killpg(honcho.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        try:
            honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            raise
    output = (tmp_path / "honcho.log").read_text(errors="replace")
    assert "web.1" in output and "scheduler.1" in output
    assert f"Web hört auf http://127.0.0.1:{port}" in output  # where web listens, once it does
    time.sleep(0.2)
    assert health(port) is None, "web still answers after Ctrl-C"
