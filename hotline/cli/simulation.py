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
from hotline.texts import words
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.kind_table import build_work_kinds

# What operators read about the simulation's own database (`simulation_database`) and at the
# end of a simulated call or callback.
TEXTS = words("simulator.run")


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
