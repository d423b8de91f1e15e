"""HTTP <-> people and monitoring: one blueprint per area, its templates beside it."""

from __future__ import annotations

from flask import Flask

from web import health


def init_app(app: Flask) -> None:
    health.init_app(app)
