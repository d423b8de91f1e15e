"""The database: reachable, at the migration this code ships, its stored values readable
with the configured keys, and its clock in step with this machine's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from hotline.clock import Clock
from hotline.config import Settings
from hotline.database_kinds import kind_of
from hotline.db import Database, Role
from hotline.doctor.data_key import stored_values_finding
from hotline.doctor.findings import Finding, Outcome, failed, ok, skipped
from hotline.migrate import head_revision, is_known_revision
from hotline.texts import text

CHECKS = ("database", "migration", "stored_values", "clock")


@dataclass(frozen=True)
class Reading:
    """What one connection found: the schema's revision and both clocks."""

    revision: str | None
    database_now: datetime
    machine_now: datetime  # midway between before and after the database's reading


def database_findings(settings: Settings, clock: Clock, tolerance: timedelta) -> list[Finding]:
    where = _where(settings.database_url)
    try:
        database = Database(settings.database_url, Role.CLI)
    except (ValueError, SQLAlchemyError) as error:
        return [
            failed("database", text("doctor.database.unusable", error=error), _check_url()),
            *_skipped_after_database(),
        ]
    try:
        with database.engine.connect() as connection:
            reading = _read(connection, clock)
            findings = [ok("database", text("doctor.database.reachable", where=where))]
            migration = _migration_finding(reading.revision)
            findings.append(migration)
            findings.append(_stored_values(connection, settings, migration))
            findings.append(_clock_finding(reading, tolerance))
            return findings
    except SQLAlchemyError as error:
        reason = text("doctor.database.unreachable", where=where, error=type(error).__name__)
        return [failed("database", reason, _check_url()), *_skipped_after_database()]
    finally:
        database.dispose()


def _read(connection: Connection, clock: Clock) -> Reading:
    revision = MigrationContext.configure(connection).get_current_revision()
    before = clock.now()
    database_now = kind_of(connection).database_now(connection)
    after = clock.now()
    return Reading(revision, database_now, before + (after - before) / 2)


def _migration_finding(revision: str | None) -> Finding:
    head = head_revision()
    if revision == head:
        return ok("migration", text("doctor.migration.at_head", revision=head))
    if revision is None:
        return failed("migration", text("doctor.migration.empty"), text("doctor.migration.upgrade"))
    if is_known_revision(revision):
        return failed(
            "migration",
            text("doctor.migration.behind", revision=revision, head=head),
            text("doctor.migration.upgrade"),
        )
    return failed(
        "migration",
        text("doctor.migration.unknown", revision=revision, head=head),
        text("doctor.migration.newer_code"),
    )


def _stored_values(connection: Connection, settings: Settings, migration: Finding) -> Finding:
    if migration.outcome is not Outcome.OK:
        return skipped("stored_values", text("doctor.stored_values.schema_not_current"))
    return stored_values_finding(connection, settings.data_keys)


def _clock_finding(reading: Reading, tolerance: timedelta) -> Finding:
    """Due work, opening hours and retention compare times written by several machines."""
    offset = (reading.machine_now - reading.database_now).total_seconds()
    seconds = f"{abs(offset):.1f}"
    if abs(offset) <= tolerance.total_seconds():
        return ok("clock", text("doctor.clock.in_step", seconds=seconds))
    key = "doctor.clock.ahead" if offset > 0 else "doctor.clock.behind"
    return failed(
        "clock",
        text(key, seconds=seconds, tolerance=f"{tolerance.total_seconds():g}"),
        text("doctor.clock.sync"),
    )


def _skipped_after_database() -> list[Finding]:
    return [skipped(check, text("doctor.database.needed")) for check in CHECKS[1:]]


def _check_url() -> str:
    return text("doctor.database.check_url")


def _where(url: str) -> str:
    """The database as it may be printed: no password."""
    return make_url(url).render_as_string(hide_password=True)
