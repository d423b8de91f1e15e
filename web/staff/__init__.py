"""The staff console `/staff/`: German, server-rendered, plain HTML forms with CSRF tokens.

One blueprint; its pages live in modules by area (today, cases, calls back, appointments,
offers, statistics, admin). Every page needs a login (`auth`); admin pages answer 403 to
counsellors."""

from __future__ import annotations

from flask import Flask

from web.staff import (  # noqa: F401  (the modules register their pages)
    admin,
    auth,
    callbacks,
    cases,
    offers,
    statistics,
    today,
)
from web.staff.blueprint import blueprint


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
