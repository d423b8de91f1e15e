"""`hotline work list|retry`: the outbox as operators see it (no personal data shown)."""

from __future__ import annotations

import click

from hotline.cli.support import ROW_ID, cli_services, echo_table
from hotline.outbox import queue
from hotline.outbox.models import WorkState
from hotline.outbox.wording import KIND_NAMES, STATE_NAMES
from hotline.texts import text, words

STATES_HELP = ", ".join(f"{state.value} = {STATE_NAMES[state.value]}" for state in WorkState)


@click.group(help=text("cli.work.help.group"))
def work() -> None:
    """Subcommands: list, retry."""


@work.command("list", help=text("cli.work.help.list"))
@click.option(
    "--state",
    type=click.Choice([state.value for state in WorkState]),
    help=text("cli.work.help.state", states=STATES_HELP),
)
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help=text("cli.work.help.limit"),
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
                text("cli.work.due", at=item.due_at),
                item.idempotency_key,
                item.last_error or "",
            )
            for item in items
        ]
    if not rows:
        in_state = text("cli.work.in_state", state=STATE_NAMES[state]) if state else ""
        click.echo(text("cli.work.none") + in_state)
        return
    echo_table(tuple(words("cli.work.columns").values()), rows)


@work.command("retry", help=text("cli.work.help.retry"))
@click.argument("item_id", type=ROW_ID)
def work_retry(item_id: int) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        requeued = queue.retry_now(session, item_id, svc.clock.now())
    if not requeued:
        raise click.ClickException(text("cli.work.not_retried", id=item_id))
    click.echo(text("cli.work.retried", id=item_id))
