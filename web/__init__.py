"""HTTP <-> people and monitoring: one blueprint per area, its templates beside it."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from hotline.config import Settings
from hotline.plurals import counted
from scheduling.unit import Units
from web import context, favicon, health, json_bodies, legal, metrics, security, staff
from web.booking import api, feeds, held
from web.booking import page as booking
from web.callbacks import manage as callback_manage
from web.page_language import filled


def init_app(app: Flask, units: Units, settings: Settings) -> None:
    context.remember(app, units)
    scheduling = units.config
    app.add_template_filter(counted)  # "1 Fall", "2 Fälle": one plural rule for every page
    app.add_template_filter(filled)  # a catalog text with markup, its values escaped
    json_bodies.init_app(app)
    security.init_app(
        app,
        production=settings.is_production,
        ratelimit_storage_uri=settings.ratelimit_storage_uri,
        ratelimit_key_prefix=settings.ratelimit_key_prefix,
        trusted_proxies=settings.trusted_proxies,
    )
    health.init_app(app, timedelta(seconds=scheduling.scheduler.overdue_after_seconds))
    metrics.init_app(app, units, settings.metrics_token)
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
