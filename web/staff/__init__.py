"""The staff console `/staff/`: German, server-rendered, plain HTML forms with CSRF tokens.

One blueprint; its pages live in modules by area (today, cases, calls back, appointments,
offers, statistics, admin). Every page needs a login (`auth`); admin pages answer 403 to
counsellors."""

from __future__ import annotations

from flask import Flask

from hotline.config import Settings
from web.staff import (  # noqa: F401  (the modules register their pages)
    admin,
    admin_hours,
    auth,
    callbacks,
    cases,
    offers,
    statistics,
    today,
)
from web.staff.blueprint import blueprint
from web.staff.session_config import parse_console_config


def init_app(app: Flask, settings: Settings) -> None:
    auth.remember_session_limits(
        app, parse_console_config(settings.file_config.get("console", {})).session_limits
    )
    app.register_blueprint(blueprint)
