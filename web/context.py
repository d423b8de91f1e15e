"""What the web blueprints read from the app they serve: the factory of units of work handed
over at start (the composition root wires it; no blueprint imports the root), and through it
the time settings and the listing cache."""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy.orm import Session

from hotline.sections_config import SchedulingConfig
from scheduling.availability.booked_times import BookedTimes
from scheduling.unit import Unit, Units

_KEY = "web.units"


def remember(app: Flask, units: Units) -> None:
    app.extensions[_KEY] = units


def remembered(app: Flask) -> Units:
    return app.extensions[_KEY]


def units() -> Units:
    return remembered(current_app)


def unit_in(session: Session, *, actor: int | None = None) -> Unit:
    """The operations of this request's transaction, acting as `actor` (a staff account)."""
    return units().within(session, actor=actor)


def scheduling() -> SchedulingConfig:
    return units().config


def listing_cache() -> BookedTimes:
    """This process's cache of booked times for slot listings (see BookedTimes)."""
    cache = units().listing_cache
    assert cache is not None  # create_app makes one
    return cache
