"""`GET /healthz` for load balancers and monitoring: does the database answer, with our schema?"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from flask.typing import ResponseReturnValue

from hotline import migrate
from hotline.services import services

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    database = services().database
    try:
        current = migrate.current_revision(database.engine)
    except Exception:  # any failure means "not healthy"
        return jsonify(status="unavailable", checks={"database": "not answering"}), 503
    expected = migrate.head_revision()
    if current != expected:
        detail = f"at {current or 'no schema'}, expected {expected}: run `hotline db upgrade`"
        return jsonify(status="unavailable", checks={"schema": detail}), 503
    return jsonify(status="ok")


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
