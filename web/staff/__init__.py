"""The staff console `/staff/`: German, server-rendered, plain HTML forms with CSRF tokens.

A blueprint per area, each made in its own module by `blueprint.console_blueprint`, which
gives every one of them the login check and the console's other hooks: `frame` (`staff`:
the templates and the line's script), `login` (`staff_login`), `today`, `cases`,
`rights` (a case's *Auskunft* and *Löschen*, admins only), `callbacks` (calls back),
`appointments` (the week, one appointment's changes), `offers`, `statistics`, `admin` and
`admin_hours` (`staff_<module>`). Every page needs a login;
admin pages answer 403 to counsellors.

Importing a module registers nothing: `init_app` below is the one place the console is
added to an app, and `BLUEPRINTS` the one list of what it adds."""

from __future__ import annotations

from flask import Blueprint, Flask

from hotline.config import Settings
from web.staff import (
    admin,
    admin_hours,
    appointments,
    callbacks,
    cases,
    frame,
    login,
    offers,
    protection,
    rights,
    statistics,
    today,
)
from web.staff.auth import remember_session_limits
from web.staff.blueprint import RowId
from web.staff.session_config import parse_console_config
from web.staff.support import TEMPLATE_FILTERS

# the frame first: it holds the templates and is the console's (`staff`) as it always was
BLUEPRINTS: tuple[Blueprint, ...] = (
    frame.blueprint,
    login.blueprint,
    today.blueprint,
    cases.blueprint,
    rights.blueprint,
    callbacks.blueprint,
    appointments.blueprint,
    offers.blueprint,
    statistics.blueprint,
    admin.blueprint,
    admin_hours.blueprint,
    protection.blueprint,
)


def init_app(app: Flask, settings: Settings) -> None:
    remember_session_limits(
        app, parse_console_config(settings.file_config.get("console", {})).session_limits
    )
    # before any rule that names a row by it is added
    app.url_map.converters["id"] = RowId
    for name, template_filter in TEMPLATE_FILTERS.items():
        app.add_template_filter(template_filter, name)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def blueprint_names() -> tuple[str, ...]:
    """The console's blueprints by name (for hooks the app moves onto them, such as the rate
    limiter's)."""
    return tuple(blueprint.name for blueprint in BLUEPRINTS)
