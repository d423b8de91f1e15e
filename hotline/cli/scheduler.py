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
from scheduling.scheduler import nodes
from scheduling.scheduler.kind_table import build_work_kinds
from scheduling.scheduler.leadership import current_holder
from scheduling.scheduler.process import SchedulerProcess


@click.group(
    invoke_without_command=True,
    help="Den Scheduler starten: jeder ausgehende Anruf, jede SMS und E-Mail und jede "
    "zeitgesteuerte Aufgabe. Einer ist aktiv; weitere warten in Bereitschaft und übernehmen, "
    "wenn er ausfällt.",
)
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
    click.echo(f"Scheduler {process.node} startet (Strg-C beendet ihn) …", err=True)
    process.run()


@scheduler.command(
    "status",
    help="Welcher Scheduler aktiv ist, welche in Bereitschaft warten, welche nicht mehr "
    "erreichbar sind, und die Arbeit nach Zustand.",
)
def scheduler_status() -> None:
    svc, config = cli_context()
    now = svc.clock.now()
    silent_after = config.scheduler.unreachable_after
    listed = nodes.nodes(svc.database)
    holder = current_holder(svc.database)
    if not any(node.reachable(now, silent_after) for node in listed):
        click.echo("Kein Scheduler läuft. Starten: `hotline scheduler` (oder `make run`).")
    for node in listed:
        seen = f"{node.heartbeat_at.astimezone(config.hours.timezone):%d.%m. %H:%M:%S}"
        ago = _age(now, node.heartbeat_at)
        where = f"{node.host} pid {node.pid}"
        if not node.reachable(now, silent_after):
            click.echo(f"nicht erreichbar seit {seen} (vor {ago})  {where}  ({node.id})")
            continue
        role = "aktiv" if node.active and node.id == holder else "Bereitschaft"
        click.echo(f"{role:<12}  {where}  zuletzt gesehen {seen} (vor {ago})  ({node.id})")
    with svc.database.transaction() as session:
        counts = queue.counts_by_state(session)
    summary = ", ".join(f"{STATE_NAMES[state]} {counts.get(state, 0)}" for state in queue.WorkState)
    click.echo(f"Arbeit: {summary}")


def _age(now: datetime, then: datetime) -> str:
    seconds = max(int((now - then).total_seconds()), 0)
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"
