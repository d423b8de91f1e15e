"""Configuration: production refuses to start without its secrets and says which are missing."""

from __future__ import annotations

import pytest

from hotline.config import ConfigError, load_settings
from hotline.crypto import generate_key

PRODUCTION = {
    "HOTLINE_ENV": "production",
    "TWILIO_AUTH_TOKEN": "token",
    "PUBLIC_BASE_URL": "https://hotline.example.org/",
    "SECRET_KEY": "secret",
    "HOTLINE_DATA_KEY": generate_key(),
    "HOTLINE_HASH_KEY": generate_key(),
}


def test_production_names_every_missing_secret(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings({"HOTLINE_ENV": "production"}, instance_path=tmp_path)
    message = str(error.value)
    for name in (
        "TWILIO_AUTH_TOKEN",
        "PUBLIC_BASE_URL",
        "SECRET_KEY",
        "HOTLINE_DATA_KEY",
    ):
        assert name in message
    assert "HOTLINE_HASH_KEY" not in message  # derived when not set (CONTRACT: four secrets)


def test_production_is_the_default_environment(tmp_path):
    with pytest.raises(ConfigError, match="HOTLINE_ENV=production"):
        load_settings({}, instance_path=tmp_path)


def test_production_with_its_secrets_starts(tmp_path):
    settings = load_settings(PRODUCTION, instance_path=tmp_path)
    assert settings.is_production
    assert settings.public_base_url == "https://hotline.example.org"
    assert settings.hotline_number == "+498003009944"
    assert not (tmp_path / "data.key").exists()


def test_development_generates_and_keeps_a_data_key(tmp_path):
    first = load_settings({"HOTLINE_ENV": "development"}, instance_path=tmp_path)
    second = load_settings({"HOTLINE_ENV": "development"}, instance_path=tmp_path)
    assert first.data_keys == second.data_keys
    assert (tmp_path / "data.key").stat().st_mode & 0o777 == 0o600
    assert first.public_base_url == "http://127.0.0.1:8000"
    on_port = load_settings({"HOTLINE_ENV": "development", "PORT": "8124"}, instance_path=tmp_path)
    assert on_port.public_base_url == "http://127.0.0.1:8124"
    assert first.database_url == f"sqlite:///{tmp_path / 'hotline.db'}"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"HOTLINE_DATA_KEY": "not-a-key"}, "HOTLINE_DATA_KEY: key 1 is not a Fernet key"),
        ({"HOTLINE_DATA_KEY": generate_key() + ",short"}, "key 2 is not a Fernet key"),
        ({"HOTLINE_ENV": "staging"}, "HOTLINE_ENV must be one of"),
        ({"VIDEO_URL_TEMPLATE": "https://meet.example.org/room"}, "must contain {room}"),
        ({"HOTLINE_CONFIG": "/nonexistent/hotline.toml"}, "does not exist"),
        ({"IMPRINT_URL": "impressum.html"}, "IMPRINT_URL must be a web address"),
        ({"IMPRINT_URL": "javascript:alert(1)"}, "IMPRINT_URL must be a web address"),
    ],
)
def test_bad_values_are_explained(tmp_path, changes, message):
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_settings({**PRODUCTION, **changes}, instance_path=tmp_path)


def test_rotated_keys_are_all_accepted(tmp_path):
    keys = f"{generate_key()}, {generate_key()}"
    settings = load_settings({**PRODUCTION, "HOTLINE_DATA_KEY": keys}, instance_path=tmp_path)
    assert len(settings.data_keys) == 2


def test_hours_come_from_the_config_file(tmp_path):
    config = tmp_path / "hotline.toml"
    config.write_text('[hours]\nholiday_region = "NI"\n[hours.weekly]\nmon = ["10:00-14:00"]\n')
    settings = load_settings({**PRODUCTION, "HOTLINE_CONFIG": str(config)}, instance_path=tmp_path)
    assert settings.file_config["hours"]["holiday_region"] == "NI"


def test_invalid_toml_is_reported_with_the_file_name(tmp_path):
    config = tmp_path / "hotline.toml"
    config.write_text("[hours\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings({**PRODUCTION, "HOTLINE_CONFIG": str(config)}, instance_path=tmp_path)


def test_a_bad_hours_section_stops_the_app_with_the_key_named(tmp_path):
    from hotline.app import create_app

    config = tmp_path / "hotline.toml"
    config.write_text('[hours.weekly]\nmon = ["9-16"]\n')
    env = {**PRODUCTION, "HOTLINE_CONFIG": str(config), "DATABASE_URL": "sqlite://"}
    with pytest.raises(ConfigError, match=r"HOTLINE_CONFIG: hours\.weekly\.mon"):
        create_app(load_settings(env, instance_path=tmp_path))


@pytest.mark.parametrize("url", ["hotline.example.org", "ftp://x", "https://x/?a=1", "https://"])
def test_a_public_base_url_twilio_could_not_have_called_is_refused(tmp_path, url):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be"):
        load_settings({**PRODUCTION, "PUBLIC_BASE_URL": url}, instance_path=tmp_path)


def test_development_keeps_one_secret_key_for_every_worker_and_restart(tmp_path):
    """Sessions and CSRF tokens must survive a request landing on the other gunicorn worker."""
    first = load_settings({"HOTLINE_ENV": "development"}, instance_path=tmp_path)
    second = load_settings({"HOTLINE_ENV": "development"}, instance_path=tmp_path)
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert (
        load_settings(
            {"HOTLINE_ENV": "development", "SECRET_KEY": "given"}, instance_path=tmp_path
        ).secret_key
        == "given"
    )


def test_workers_starting_at_once_agree_on_the_development_secret(tmp_path):
    import threading

    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(
            load_settings({"HOTLINE_ENV": "development"}, instance_path=tmp_path).secret_key
        )

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1


def test_the_impressum_link_comes_from_the_environment(tmp_path):
    assert load_settings(PRODUCTION, instance_path=tmp_path).imprint_url is None
    imprint = "https://www.starkestelle.de/impressum"
    settings = load_settings({**PRODUCTION, "IMPRINT_URL": f" {imprint} "}, instance_path=tmp_path)
    assert settings.imprint_url == imprint


# --- the rate-limit store ---------------------------------------------------------------------
def test_production_refuses_per_process_limits_with_several_workers_naming_the_setting(tmp_path):
    from hotline.config import refuse_per_process_rate_limits

    settings = load_settings(PRODUCTION, instance_path=tmp_path)
    assert settings.ratelimit_storage_uri == "memory://"
    with pytest.raises(ConfigError) as error:
        refuse_per_process_rate_limits(settings, workers=2)
    message = str(error.value)
    assert "RATELIMIT_STORAGE_URI" in message and "RATELIMIT_SINGLE_NODE=1" in message
    assert "2 web workers" in message


@pytest.mark.parametrize(
    ("changes", "workers"),
    [
        ({"RATELIMIT_SINGLE_NODE": "1"}, 4),
        ({"RATELIMIT_SINGLE_NODE": " yes "}, 4),
        ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, 4),
        ({"RATELIMIT_STORAGE_URI": "rediss://:secret@redis.internal:6380/2"}, 8),
        ({}, 1),
        ({"HOTLINE_ENV": "development"}, 4),
    ],
)
def test_shared_store_single_node_one_worker_or_development_may_start(tmp_path, changes, workers):
    from hotline.config import refuse_per_process_rate_limits

    settings = load_settings({**PRODUCTION, **changes}, instance_path=tmp_path)
    refuse_per_process_rate_limits(settings, workers)  # no ConfigError


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"RATELIMIT_SINGLE_NODE": "maybe"}, "RATELIMIT_SINGLE_NODE must be 1 (yes) or 0 (no)"),
        ({"RATELIMIT_STORAGE_URI": "memcached://cache:11211"}, "RATELIMIT_STORAGE_URI must be"),
        ({"WEB_CONCURRENCY": "many"}, "WEB_CONCURRENCY must be a number"),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY must be a number"),
    ],
)
def test_bad_rate_limit_settings_are_explained(tmp_path, changes, message):
    from hotline.config import web_concurrency

    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings({**PRODUCTION, **changes}, instance_path=tmp_path)
        web_concurrency({**PRODUCTION, **changes})


def test_a_refused_store_address_is_named_without_its_password(tmp_path):
    changes = {"RATELIMIT_STORAGE_URI": "mongodb://user:hunter2@db.internal:27017"}
    with pytest.raises(ConfigError) as error:
        load_settings({**PRODUCTION, **changes}, instance_path=tmp_path)
    assert "hunter2" not in str(error.value) and "db.internal" in str(error.value)


def test_web_concurrency_is_one_worker_per_core_unless_set(monkeypatch):
    from hotline.config import web_concurrency

    monkeypatch.setattr("os.cpu_count", lambda: 3)
    assert web_concurrency({}) == 3
    assert web_concurrency({"WEB_CONCURRENCY": " 5 "}) == 5


def test_gunicorn_refuses_to_start_production_with_per_process_limits(tmp_path):
    """The real server: the master says what to set and exits before any worker starts."""
    import subprocess
    import sys

    from tests.support.processes import REPO

    environment = {
        **PRODUCTION,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}",
        "WEB_CONCURRENCY": "2",
        "PORT": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **environment},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "RATELIMIT_SINGLE_NODE=1" in result.stderr and "2 web workers" in result.stderr


def test_the_hash_key_is_its_own_checked_and_kept_like_the_data_key(tmp_path):
    with pytest.raises(ConfigError, match="HOTLINE_HASH_KEY: key 1 is not a Fernet key"):
        load_settings({**PRODUCTION, "HOTLINE_HASH_KEY": "not-a-key"}, instance_path=tmp_path)
    first = load_settings({"HOTLINE_ENV": "development"}, instance_path=tmp_path)
    again = load_settings({"HOTLINE_ENV": "development"}, instance_path=tmp_path)
    assert first.hash_keys == again.hash_keys and first.hash_keys != first.data_keys
    assert (tmp_path / "hash.key").exists()


def test_production_without_a_hash_key_derives_one_from_each_data_key(tmp_path):
    """The four secrets CONTRACT.md names are all production needs: without its own hash
    key, each data key gives one (never itself), the same on every node and restart."""
    from hotline.abuse.hashing import CallerHasher

    older = generate_key()
    environ = {**PRODUCTION, "HOTLINE_DATA_KEY": f"{PRODUCTION['HOTLINE_DATA_KEY']},{older}"}
    del environ["HOTLINE_HASH_KEY"]
    first = load_settings(environ, instance_path=tmp_path)
    again = load_settings(environ, instance_path=tmp_path / "other")
    assert first.hash_keys == again.hash_keys and len(first.hash_keys) == 2
    assert not set(first.hash_keys) & set(first.data_keys)
    assert not (tmp_path / "hash.key").exists()
    hasher = CallerHasher(first.hash_keys)  # valid keys for the hasher
    only_older = load_settings({**environ, "HOTLINE_DATA_KEY": older}, instance_path=tmp_path)
    # a number hashed under the older data key's hash key still matches after a rotation
    assert CallerHasher(only_older.hash_keys).number("+4915123456789") in hasher.number_hashes(
        "+4915123456789"
    )
    own = load_settings(PRODUCTION, instance_path=tmp_path)
    assert own.hash_keys == (PRODUCTION["HOTLINE_HASH_KEY"],)
