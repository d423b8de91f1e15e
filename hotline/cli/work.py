"""`hotline work list|retry`: the outbox as operators see it (no personal data shown)."""

from __future__ import annotations

import click

from hotline.cli.support import ROW_ID, cli_services, echo_table
from hotline.outbox import queue
from hotline.outbox.models import WorkState
from hotline.outbox.wording import KIND_NAMES, STATE_NAMES

STATES_HELP = ", ".join(f"{state.value} = {STATE_NAMES[state.value]}" for state in WorkState)


@click.group(help="Arbeit des Schedulers: Anrufe, SMS, E-Mails und zeitgesteuerte Aufgaben.")
def work() -> None:
    """Unterbefehle: list, retry."""


@work.command("list", help="Arbeit auflisten, zuletzt fällige zuerst (ohne persönliche Daten).")
@click.option(
    "--state",
    type=click.Choice([state.value for state in WorkState]),
    help=f"Nur Arbeit in diesem Zustand ({STATES_HELP}; aufgegebene: `hotline work retry`).",
)
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Höchstens so viele Zeilen.",
)
def work_list(state: str | None, limit: int) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        items = queue.listing(session, state, limit)
        rows = [
            (
                str(item.id),
                KIND_NAMES.get(item.kind, item.kind),
                STATE_NAMES.get(item.state, item.state),
                f"{item.attempts}/{item.max_attempts}",
                f"{item.due_at:%Y-%m-%d %H:%M:%S}Z",
                item.idempotency_key,
                item.last_error or "",
            )
            for item in items
        ]
    if not rows:
        click.echo("keine Arbeit" + (f" im Zustand „{STATE_NAMES[state]}“" if state else ""))
        return
    header = ("ID", "Art", "Zustand", "Versuche", "fällig (UTC)", "Schlüssel", "letzter Fehler")
    echo_table(header, rows)


@work.command(
    "retry",
    help="Aufgegebene oder fehlgeschlagene Arbeit jetzt neu einreihen, mit 3 weiteren Versuchen.",
)
@click.argument("item_id", type=ROW_ID)
def work_retry(item_id: int) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        requeued = queue.retry_now(session, item_id, svc.clock.now())
    if not requeued:
        raise click.ClickException(
            f"Arbeit {item_id} ist weder aufgegeben noch fehlgeschlagen (oder gibt es nicht); "
            "`hotline work list` zeigt alle"
        )
    click.echo(f"Arbeit {item_id} neu eingereiht; der Scheduler nimmt sie in wenigen Sekunden")
