"""What the web blueprints read from the app they serve: the time settings handed over at
start (the composition root wires them; no blueprint imports it) and the listing cache."""

from __future__ import annotations

from flask import Flask, current_app

from hotline.sections_config import SchedulingConfig
from scheduling.availability.booked_times import BookedTimes

_KEY = "web.scheduling"
LISTING_CACHE_KEY = "web.booked_times"


def remember(app: Flask, config: SchedulingConfig) -> None:
    app.extensions[_KEY] = config
    app.extensions[LISTING_CACHE_KEY] = BookedTimes(cached=True)


def scheduling() -> SchedulingConfig:
    return current_app.extensions[_KEY]


def listing_cache() -> BookedTimes:
    """This process's cache of booked times for slot listings (see BookedTimes)."""
    return current_app.extensions[LISTING_CACHE_KEY]
