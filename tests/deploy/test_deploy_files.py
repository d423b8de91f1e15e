"""deploy/: the systemd units and the nginx site are what systemd and nginx accept
(`systemd-analyze verify`, `nginx -t` from Debian's packages, which `.ci/run` installs), the
units are hardened, and the site sends the headers the service trusts and refuses bodies the
service would refuse too."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hotline.app import MAX_REQUEST_BYTES

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNITS = ("hotline-web.service", "hotline-scheduler.service")
INSTALLED_AT = "/srv/hotline"  # where the units expect the checkout (README)


def tool(name: str, package: str) -> str:
    executable = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if executable is None:
        pytest.skip(f"{name} is missing (Debian: apt-get install {package})")
    return executable


def units_here(tmp_path: Path) -> Path:
    """The units as they would be installed, the checkout's path swapped for this one (verify
    insists that ExecStart's program exists)."""
    for unit in UNITS:
        text = (DEPLOY / "systemd" / unit).read_text().replace(INSTALLED_AT, str(REPO))
        (tmp_path / unit).write_text(text)
    return tmp_path


def test_systemd_accepts_the_units(tmp_path):
    verify = tool("systemd-analyze", "systemd")
    folder = units_here(tmp_path)
    result = subprocess.run(
        [verify, "verify", "--man=no", *UNITS], cwd=folder, capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


@pytest.mark.parametrize("unit", UNITS)
def test_the_units_are_hardened(tmp_path, unit):
    text = (DEPLOY / "systemd" / unit).read_text()
    for setting in (
        "User=hotline",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=\n",
        "EnvironmentFile=/etc/hotline/env",
    ):
        assert setting in text, setting
    analyze = tool("systemd-analyze", "systemd")
    folder = units_here(tmp_path)
    result = subprocess.run(
        [analyze, "security", "--offline=true", "--threshold=20", unit],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    # systemd's own score of the exposure: 0 (none) to 10; 2.0 or less is "OK"
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    score = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)[1])
    assert score <= 2.0


def test_nginx_accepts_the_site_with_tls(tmp_path):
    nginx = tool("nginx", "nginx")
    openssl = tool("openssl", "openssl")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=hotline.example.org"),
            *("-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx" / "hotline.conf").read_text()
    site = site.replace(
        "/etc/letsencrypt/live/hotline.example.org/fullchain.pem", str(tmp_path / "cert.pem")
    )
    site = site.replace(
        "/etc/letsencrypt/live/hotline.example.org/privkey.pem", str(tmp_path / "key.pem")
    )
    site = site.replace("/etc/nginx/", f"{tmp_path}/")
    (tmp_path / "hotline.conf").write_text(site)
    shutil.copy(DEPLOY / "nginx" / "hotline_proxy_headers.conf", tmp_path)
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{temp_paths}    include {tmp_path}/hotline.conf;\n}}\n"
    )
    result = subprocess.run(
        [
            *(nginx, "-t", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path)),
            *("-c", str(tmp_path / "nginx.conf")),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_site_sends_the_headers_the_service_trusts_and_its_body_limit():
    site = (DEPLOY / "nginx" / "hotline.conf").read_text()
    headers = (DEPLOY / "nginx" / "hotline_proxy_headers.conf").read_text()
    # ProxyFix(x_for, x_proto) in web/security.py reads exactly these two
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in headers
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in headers
    (size,) = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(size) * 1024 * 1024 == MAX_REQUEST_BYTES
    assert re.search(r"location = /metrics \{[^}]*deny all;", site)
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site
