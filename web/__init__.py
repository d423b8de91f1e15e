"""HTTP <-> people and monitoring: one blueprint per area, its templates beside it."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from scheduling.config import SchedulingConfig
from web import health


def init_app(app: Flask, scheduling: SchedulingConfig) -> None:
    health.init_app(app, timedelta(seconds=scheduling.scheduler.overdue_after_seconds))
