"""What the web blueprints read from the app they serve: the time settings handed over at
start (the composition root wires them; no blueprint imports it)."""

from __future__ import annotations

from flask import Flask, current_app

from scheduling.config import SchedulingConfig

_KEY = "web.scheduling"


def remember(app: Flask, config: SchedulingConfig) -> None:
    app.extensions[_KEY] = config


def scheduling() -> SchedulingConfig:
    return current_app.extensions[_KEY]
