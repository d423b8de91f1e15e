"""`hotline work list|retry`: the outbox as operators see it (no personal data shown)."""

from __future__ import annotations

import click

from hotline.cli.support import ROW_ID, cli_services, echo_table
from scheduling.outbox import queue
from scheduling.outbox.models import WorkState


@click.group(help="Work items of the scheduler: calls, SMS, mails and timed jobs.")
def work() -> None:
    """Subcommands: list, retry."""


@work.command("list", help="List work items, newest due first.")
@click.option(
    "--state",
    type=click.Choice([state.value for state in WorkState]),
    help="Only items in this state (dead: gave up, see `hotline work retry`).",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
def work_list(state: str | None, limit: int) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        items = queue.listing(session, state, limit)
        rows = [
            (
                str(item.id),
                item.kind,
                item.state,
                f"{item.attempts}/{item.max_attempts}",
                f"{item.due_at:%Y-%m-%d %H:%M:%S}Z",
                item.idempotency_key,
                item.last_error or "",
            )
            for item in items
        ]
    if not rows:
        click.echo("keine Arbeit" + (f" im Zustand {state}" if state else ""))
        return
    header = ("id", "kind", "state", "tries", "due (UTC)", "key", "last error")
    echo_table(header, rows)


@work.command("retry", help="Requeue a dead or failed work item now, with 3 more attempts.")
@click.argument("item_id", type=ROW_ID)
def work_retry(item_id: int) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        requeued = queue.retry_now(session, item_id, svc.clock.now())
    if not requeued:
        raise click.ClickException(
            f"work item {item_id} is not dead or failed (or does not exist): "
            "`hotline work list` shows the items"
        )
    click.echo(f"work item {item_id} requeued; the scheduler takes it within seconds")
