"""HTTP <-> people and monitoring: one blueprint per area, its templates beside it."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from hotline.config import Settings
from hotline.plurals import counted
from scheduling.unit import Units
from web import context, favicon, health, json_bodies, legal, security, staff
from web.booking import api, feeds, held
from web.booking import page as booking
from web.callbacks import manage as callback_manage


def init_app(app: Flask, units: Units, settings: Settings) -> None:
    context.remember(app, units)
    scheduling = units.config
    app.add_template_filter(counted)  # "1 Fall", "2 Fälle": one plural rule for every page
    json_bodies.init_app(app)
    security.init_app(
        app,
        production=settings.is_production,
        ratelimit_storage_uri=settings.ratelimit_storage_uri,
        trusted_proxies=settings.trusted_proxies,
    )
    health.init_app(app, timedelta(seconds=scheduling.scheduler.overdue_after_seconds))
    api.init_app(app)
    booking.init_app(app)
    held.init_app(app)
    callback_manage.init_app(app)
    legal.init_app(app)
    favicon.init_app(app)
    feeds.init_app(app)
    staff.init_app(app, settings)
    security.limit_only(
        app,
        (
            api.blueprint.name,
            booking.blueprint.name,
            callback_manage.blueprint.name,
            *staff.blueprint_names(),
        ),
    )
