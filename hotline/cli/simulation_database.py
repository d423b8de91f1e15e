"""The simulator's own database: a simulated call never lands in the service's.

Each `hotline simulate` (in-process) plays its call on a fresh SQLite file, `simulation.db`
in the instance folder, migrated like any database. From the configured database it gets
what the service is set up with: the counsellors (duty, languages, numbers and addresses,
sealed as they are), their weekly windows and absences, the opening-hours overrides and the
support offers; and what a caller's call meets there: the case references (so that a case
number typed is known; no notes, no federal state, no topic) and the places that booked
appointments and callbacks hold (without names, addresses, numbers or link secrets). No
calls, no work, no staff accounts, no statistics. So the simulator's scheduler finds only the
work the simulated call causes, the service's scheduler never sees a simulated record, and
nothing simulated is counted.

The file stays until the next simulated call, for `hotline simulate --callback ID`: that plays
a callback the last simulated call booked, on the same file, with the service's set-up copied
in again first (a counsellor taken off duty since is off duty there too).
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy import ColumnElement, Connection, Table, delete, insert, select

from hotline import migrate
from hotline.app import create_app
from hotline.appointments.models import AppointmentState
from hotline.callbacks.models import OPEN_CALLBACK_STATES
from hotline.cli.simulation import TEXTS
from hotline.clock import Clock
from hotline.config import ConfigError, Settings
from hotline.crypto import DataCipher
from hotline.database_kinds import kind_of
from hotline.db import Database, Role, make_engine
from hotline.mail.mailer import ConsoleMailer
from hotline.schema import metadata
from hotline.telephony.gateway import ConsoleGateway

FILE_NAME = "simulation.db"
LOCK_NAME = "simulation.lock"


@dataclass(frozen=True)
class Copied:
    """A table copied from the service's database: which rows, and which values the copy
    gets instead of the stored ones (a function of the cipher, for sealed columns)."""

    name: str
    rows: Callable[[Table], ColumnElement[bool]] | None = None
    instead: Mapping[str, Callable[[DataCipher], Any]] = field(default_factory=dict)


def _nothing(_cipher: DataCipher) -> None:
    return None


def _random_digest(_cipher: DataCipher) -> str:
    return secrets.token_hex(32)


def _sealed_secret(cipher: DataCipher) -> bytes:
    return cipher.encrypt(secrets.token_urlsafe(32))


def _room(_cipher: DataCipher) -> str:
    return secrets.token_hex(16)


# The service's set-up: copied into a fresh file, and again before `--callback` plays.
# Counsellors are updated in place (simulated rows point at them), the rest replaced.
SETUP = (
    Copied("counsellors", instead={"staff_id": _nothing, "feed_token_digest": _nothing}),
    Copied("counsellor_windows"),
    Copied("counsellor_absences"),
    Copied("hours_overrides"),
    Copied("support_offers"),
)
UPDATED_IN_PLACE = frozenset({"counsellors"})
# What a caller's call meets in the service's database: copied into a fresh file only.
PLACES = (
    Copied(
        "cases",
        instead={"notes_encrypted": _nothing, "federal_state": _nothing, "topic": _nothing},
    ),
    Copied(
        "appointments",
        rows=lambda table: table.c.state == AppointmentState.BOOKED,
        instead={
            "name_encrypted": _nothing,
            "email_encrypted": _nothing,
            "phone_encrypted": _nothing,
            "phone_is_mobile": lambda _cipher: False,
            "token_digest": _random_digest,
            "token_encrypted": _sealed_secret,
            "request_digest": _nothing,
            "request_body_digest": _nothing,
            "room": _room,
        },
    ),
    Copied(
        "callbacks",
        rows=lambda table: table.c.state.in_(OPEN_CALLBACK_STATES),
        instead={"number_encrypted": _nothing, "token_digest": _nothing, "call_sid": _nothing},
    ),
)


def path_of(settings: Settings) -> Path:
    return settings.instance_path / FILE_NAME


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


@contextmanager
def held(settings: Settings) -> Iterator[Path]:
    """The simulation file, for this process alone: two simulations at once would play on
    each other's file. Yields its path."""
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    path = path_of(settings)
    with open(settings.instance_path / LOCK_NAME, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise click.ClickException(TEXTS["busy"].format(path=path)) from None
        yield path


def create_fresh(service: Database, cipher: DataCipher, path: Path) -> None:
    """A new simulation file: migrated, with the service's set-up and places copied in."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(url_of(path), Role.CLI)
    try:
        migrate.upgrade(engine)
        with engine.connect() as target, target.begin():
            _copy(service, cipher, target, (*SETUP, *PLACES))
    finally:
        engine.dispose()


def refresh_setup(service: Database, cipher: DataCipher, path: Path) -> None:
    """The last simulation's file, with the service's set-up as it is now."""
    if not path.exists():
        raise click.ClickException(TEXTS["none_yet"].format(path=path))
    engine = make_engine(url_of(path), Role.CLI)
    try:
        migrate.upgrade(engine)  # made by an older version of the service, perhaps
        with engine.connect() as target, target.begin():
            _copy(service, cipher, target, SETUP)
    finally:
        engine.dispose()


def simulation_app(settings: Settings, clock: Clock, path: Path) -> Flask:
    """The app on the simulation file. Whatever is configured, nothing it does reaches
    Twilio or a mail server: its gateway and mailer only print."""
    try:
        return create_app(
            replace(settings, database_url=url_of(path)),
            clock=clock,
            gateway=ConsoleGateway(click.echo),
            mailer=ConsoleMailer(click.echo),
            log_level=os.environ.get("LOG_LEVEL") or "WARNING",
            database_role=Role.CLI,
        )
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def _copy(
    service: Database, cipher: DataCipher, target: Connection, tables: tuple[Copied, ...]
) -> None:
    """Rows of `tables` from the service's database into `target`, in one transaction whose
    foreign keys are checked at its commit (a merged case may point at a later one)."""
    target.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    schema = metadata().tables
    with service.reading() as session:
        source = session.connection()
        for copied in tables:
            table = schema[copied.name]
            query = select(table).order_by(*table.primary_key.columns)
            if copied.rows is not None:
                query = query.where(copied.rows(table))
            rows = [
                {**row._mapping, **{name: make(cipher) for name, make in copied.instead.items()}}
                for row in source.execute(query)
            ]
            if copied.name in UPDATED_IN_PLACE:
                _upsert(target, table, rows)
                continue
            target.execute(delete(table))
            if rows:
                target.execute(insert(table), rows)


def _upsert(target: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    statement = kind_of(target).insert(table)
    columns = {
        column.name: statement.excluded[column.name]
        for column in table.columns
        if not column.primary_key
    }
    target.execute(
        statement.on_conflict_do_update(
            index_elements=list(table.primary_key.columns), set_=columns
        ),
        rows,
    )
