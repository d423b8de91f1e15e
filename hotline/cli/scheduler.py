"""`hotline scheduler` (the process) and `hotline scheduler status`."""

from __future__ import annotations

import signal
from datetime import datetime

import click

from hotline.app import scheduling_config, work_tools
from hotline.cli.support import cli_app, cli_context
from hotline.db import Role
from hotline.outbox import queue
from hotline.outbox.wording import STATE_NAMES
from hotline.services import services
from hotline.texts import text
from scheduling.scheduler import nodes
from scheduling.scheduler.kind_table import build_work_kinds
from scheduling.scheduler.leadership import current_holder
from scheduling.scheduler.process import SchedulerProcess


@click.group(invoke_without_command=True, help=text("cli.scheduler.help.group"))
@click.pass_context
def scheduler(ctx: click.Context) -> None:
    if ctx.invoked_subcommand is not None:
        return
    app = cli_app(role=Role.SCHEDULER, log_level="INFO")
    process = SchedulerProcess(
        tools=work_tools(app),
        kinds=build_work_kinds(),
        config=scheduling_config(app).scheduler,
    )
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: process.request_stop())
    click.echo(text("cli.scheduler.starting", node=process.node), err=True)
    _serve_metrics(services(app).settings.scheduler_metrics_address)
    process.run()


def _serve_metrics(address: tuple[str, int] | None) -> None:
    """The scheduler's own counters (work done, retried, dead: mails and SMS among them) for
    Prometheus, on an internal address (SCHEDULER_METRICS_ADDRESS) in a thread of its own."""
    if address is None:
        return
    from prometheus_client import start_http_server

    host, port = address
    start_http_server(port, addr=host)
    click.echo(text("cli.scheduler.metrics", address=f"http://{host}:{port}/metrics"), err=True)


@scheduler.command("status", help=text("cli.scheduler.help.status"))
def scheduler_status() -> None:
    svc, config = cli_context()
    now = svc.clock.now()
    silent_after = config.scheduler.unreachable_after
    listed = nodes.nodes(svc.database)
    holder = current_holder(svc.database)
    if not any(node.reachable(now, silent_after) for node in listed):
        click.echo(text("cli.scheduler.none_running"))
    for node in listed:
        seen = text("cli.scheduler.seen", at=node.heartbeat_at.astimezone(config.hours.timezone))
        shown = {
            "seen": seen,
            "ago": _age(now, node.heartbeat_at),
            "where": text("cli.scheduler.where", host=node.host, pid=node.pid),
            "node": node.id,
        }
        if not node.reachable(now, silent_after):
            click.echo(text("cli.scheduler.unreachable", **shown))
            continue
        active = node.active and node.id == holder
        role = text("cli.scheduler.active" if active else "cli.scheduler.standby")
        click.echo(text("cli.scheduler.node", role=role, **shown))
    with svc.database.transaction() as session:
        counts = queue.counts_by_state(session)
    summary = ", ".join(
        text("cli.scheduler.work_state", state=STATE_NAMES[state], count=counts.get(state, 0))
        for state in queue.WorkState
    )
    click.echo(text("cli.scheduler.work", summary=summary))


def _age(now: datetime, then: datetime) -> str:
    seconds = max(int((now - then).total_seconds()), 0)
    if seconds < 120:
        return text("cli.scheduler.seconds", seconds=seconds)
    return text("cli.scheduler.minutes", minutes=seconds // 60)
