"""The `hotline` command: one module per command group, gathered here."""

from __future__ import annotations

import sys

import click
from dotenv import load_dotenv

from hotline.cli.counsellors import counsellor
from hotline.cli.database import db, seed_demo
from hotline.cli.hours import hours
from hotline.cli.keys import keygen, keys
from hotline.cli.scheduler import scheduler
from hotline.cli.simulate import simulate
from hotline.cli.work import work


@click.group(help="Telefon- und Terminbackend der starken Stelle (0800 300 99 44).")
def main() -> None:
    load_dotenv(".env", override=False)


for command in (db, seed_demo, keygen, keys, counsellor, hours, simulate, scheduler, work):
    main.add_command(command)


if __name__ == "__main__":
    sys.exit(main())
