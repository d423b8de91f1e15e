"""The `hotline` command: one module per command group, gathered here."""

from __future__ import annotations

import sys

import click
from dotenv import load_dotenv

from hotline.cli.appointments import appointments
from hotline.cli.availability import counsellor_absent, counsellor_availability
from hotline.cli.callbacks import callbacks
from hotline.cli.cases import cases
from hotline.cli.counsellors import counsellor
from hotline.cli.database import db, seed_demo
from hotline.cli.doctor import doctor
from hotline.cli.feeds import counsellor_feed
from hotline.cli.hours import hours
from hotline.cli.keys import keygen, keys
from hotline.cli.offers import offers_group
from hotline.cli.protection import block, bookings, flood
from hotline.cli.queue import queue_command
from hotline.cli.retention import retention
from hotline.cli.scheduler import scheduler
from hotline.cli.simulate import simulate
from hotline.cli.staff import staff
from hotline.cli.statistics import statistics
from hotline.cli.work import work
from hotline.texts import text


@click.group(help=text("cli.main_help"))
def main() -> None:
    load_dotenv(".env", override=False)


COMMANDS = (
    db,
    seed_demo,
    keygen,
    keys,
    counsellor,
    callbacks,
    appointments,
    hours,
    queue_command,
    simulate,
    scheduler,
    work,
    staff,
    offers_group,
    retention,
    statistics,
    cases,
    doctor,
    block,
    flood,
    bookings,
)
for command in COMMANDS:
    main.add_command(command)
counsellor.add_command(counsellor_availability)
counsellor.add_command(counsellor_absent)
counsellor.add_command(counsellor_feed)


if __name__ == "__main__":
    sys.exit(main())
