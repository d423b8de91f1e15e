"""`hotline cases export|erase`: the caller's rights from the command line — a copy of
everything held for a case (DSGVO Art. 15) and its erasure (Art. 17) with four eyes.

Each names the admin accounts responsible by their e-mail addresses (the audit log records
them): `export REF --reason TEXT --by EMAIL`; `erase REF --reason TEXT --requested-by EMAIL`
asks, `erase REF --confirmed-by EMAIL` (another admin) confirms and erases — both in one call
as well, naming two different accounts. The command line cannot tell who types; naming the
accounts makes the two people and their reason part of the record, as the console does with
their logins. A request made in the console is confirmed here and the other way round.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import TypeVar

import click
from sqlalchemy.orm import Session

from hotline.audit.wording import LONGEST_REASON
from hotline.cases.disclosure import export_case
from hotline.cases.models import Case
from hotline.cases.references import (
    InvalidCaseReference,
    display_case_reference,
    normalise_case_reference,
)
from hotline.cases.service import find_case
from hotline.cli.support import cli_context, cli_units
from hotline.crypto import DataCipher
from hotline.plurals import Counted
from hotline.retention.erasure import ErasureRefused, erasure_shown
from hotline.staff.accounts import find_account
from hotline.texts import text

T = TypeVar("T")


@click.group("cases", help=text("rights.cli.help.group"))
def cases() -> None:
    """Subcommands: export, erase."""


@cases.command("export", help=text("rights.cli.help.export"))
@click.argument("reference")
@click.option("--reason", required=True, help=text("rights.cli.help.reason"))
@click.option("--by", "by", required=True, metavar="EMAIL", help=text("rights.cli.help.by"))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=text("rights.cli.help.output"),
)
def cases_export(reference: str, reason: str, by: str, output: Path | None) -> None:
    svc, scheduling = cli_context()
    with svc.database.transaction() as session:
        case = _case(session, reference)
        disclosure = _refusals_as_errors(
            lambda: export_case(
                session,
                svc.cipher,
                svc.clock.now(),
                case,
                _account_id(session, by),
                reason,
                scheduling.hours.timezone,
            )
        )
        target = output or Path(disclosure.filename)
        _write_new(target, disclosure.archive)  # a refusal to write rolls the audit back
    click.echo(
        text("rights.cli.exported", reference=display_case_reference(case.reference), file=target)
    )


@cases.command("erase", help=text("rights.cli.help.erase"))
@click.argument("reference")
@click.option("--reason", help=text("rights.cli.help.reason"))
@click.option("--requested-by", metavar="EMAIL", help=text("rights.cli.help.requested_by"))
@click.option("--confirmed-by", metavar="EMAIL", help=text("rights.cli.help.confirmed_by"))
@click.option("--withdrawn-by", metavar="EMAIL", help=text("rights.cli.help.withdrawn_by"))
def cases_erase(
    reference: str,
    reason: str | None,
    requested_by: str | None,
    confirmed_by: str | None,
    withdrawn_by: str | None,
) -> None:
    if (reason is None) != (requested_by is None):
        raise click.UsageError(text("rights.refused.reason_missing", most=LONGEST_REASON))
    if withdrawn_by is not None and (requested_by or confirmed_by):
        raise click.UsageError(text("rights.cli.withdraw_alone"))
    said: list[str] = []
    with cli_units().transaction() as unit:
        case = _case(unit.session, reference)
        shown, plain = display_case_reference(case.reference), case.reference
        if withdrawn_by is not None:
            by = _account_id(unit.session, withdrawn_by)
            withdrawn = _refusals_as_errors(lambda: unit.erasure.withdraw(case, by=by))
            said.append(text("rights.cli.withdrawn", id=withdrawn.id, reference=shown))
        if requested_by is not None:
            by = _account_id(unit.session, requested_by)
            erasure = _refusals_as_errors(lambda: unit.erasure.request(case, reason, by=by))
            said.append(text("rights.cli.requested", id=erasure.id, reference=shown, plain=plain))
        if confirmed_by is not None:
            by = _account_id(unit.session, confirmed_by)
            erased = _refusals_as_errors(lambda: unit.erasure.confirm(case, by=by))
            said = [
                text(
                    "rights.cli.erased",
                    reference=shown,
                    id=erased.erasure_id,
                    twilio=Counted(erased.twilio_records),
                )
            ]
        if not said:
            said = _state(unit.session, unit.cipher, case, unit.timezone)
    for line in said:
        click.echo(line)


def _state(session: Session, cipher: DataCipher, case: Case, tz: tzinfo) -> list[str]:
    """Where the case's erasure stands, and its requests to Twilio."""
    shown, plain = display_case_reference(case.reference), case.reference
    erasure = erasure_shown(session, cipher, case.id)
    if erasure is None:
        return [text("rights.cli.nothing", reference=shown, plain=plain)]
    if erasure.pending:
        at = erasure.requested_at.astimezone(tz)
        return [
            text(
                "rights.cli.pending",
                id=erasure.id,
                reference=shown,
                at=at,
                by=erasure.requested_by,
                reason=erasure.reason,
            )
        ]
    assert erasure.confirmed_at is not None
    return [
        text(
            "rights.cli.done",
            reference=shown,
            at=erasure.confirmed_at.astimezone(tz),
            id=erasure.id,
            by=erasure.requested_by,
            confirmed_by=erasure.confirmed_by,
            reason=erasure.reason,
        ),
        text(
            "rights.cli.twilio_state",
            asked=Counted(erasure.twilio.asked),
            done=erasure.twilio.done,
            waiting=erasure.twilio.waiting,
            given_up=erasure.twilio.given_up,
        ),
    ]


def _case(session: Session, typed: str) -> Case:
    try:
        case = find_case(session, normalise_case_reference(typed))
    except InvalidCaseReference:
        case = None
    if case is None:
        raise click.ClickException(text("rights.cli.unknown_case", reference=typed))
    return case


def _account_id(session: Session, email: str) -> int:
    account = find_account(session, email.strip())
    if account is None:
        raise click.ClickException(text("rights.refused.no_admin_account"))
    return account.id


def _refusals_as_errors(action: Callable[[], T]) -> T:
    """The action's result; a refusal becomes the command's error (and rolls back)."""
    try:
        return action()
    except ErasureRefused as why:
        raise click.ClickException(str(why)) from None


def _write_new(target: Path, content: bytes) -> None:
    """Written only by its owner, never over another file."""
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.ClickException(text("rights.cli.file_exists", file=target)) from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
