"""What both kinds of `hotline simulate` use: the key script, the in-process scheduler and
what the simulator says about its own database."""

from __future__ import annotations

import shlex

import click
from flask import Flask

from hotline.app import work_tools
from hotline.mail.mailer import ConsoleMailer
from hotline.scheduler.config import SchedulerConfig
from hotline.simulator import ScriptedCaller
from hotline.telephony.gateway import OutboundGateway
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.kind_table import build_work_kinds

# What operators read about the simulation's own database (`simulation_database`).
TEXTS = {
    "busy": "Ein anderes `hotline simulate` spielt gerade in {path}: bitte warten, bis es endet.",
    "none yet": (
        "Noch kein simulierter Anruf ({path} fehlt): erst einen Rückruf buchen, z. B. "
        "hotline simulate --at '2026-11-28 11:00' --keys '- - 1 1 1'"
    ),
    "booked callback": "Rückruf {id} gebucht – spielen: hotline simulate --callback {id}",
    "kept apart": (
        "Simuliert in {path}: der Dienst, seine Konsole und seine Statistik sehen nichts "
        "davon, auch nicht, was gebucht wurde."
    ),
    "no such callback": (
        "Kein Rückruf {id} in der Simulation ({path}). --callback spielt einen Rückruf, den "
        "der letzte simulierte Anruf gebucht hat (er nennt ihn am Ende); die Rückrufe des "
        "Dienstes (`hotline callbacks list`) ruft dessen Scheduler an."
    ),
    "copied callback": (
        "Rückruf {id} hält in der Simulation nur den Platz eines Rückrufs des Dienstes "
        "besetzt; --callback spielt einen Rückruf, den ein simulierter Anruf gebucht hat."
    ),
}


def scripted_caller(keys: str) -> ScriptedCaller:
    """--keys: one token per prompt, silent once used up; a bad token is a usage error."""
    try:
        return ScriptedCaller(shlex.split(keys), silence_when_exhausted=True)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--keys") from None


def in_process_dispatcher(app: Flask, gateway: OutboundGateway) -> Dispatcher:
    """The scheduler's dispatcher, in-process: its calls go to the simulator's gateway (a
    switchboard), mails to the console."""
    tools = work_tools(app, gateway=gateway, mailer=ConsoleMailer(click.echo))
    return Dispatcher(build_work_kinds(), tools, SchedulerConfig(workers=1), "simulator")
