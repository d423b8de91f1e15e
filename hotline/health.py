"""`GET /healthz` for load balancers and monitoring: is the database answering?"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from flask.typing import ResponseReturnValue

from hotline.services import services

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    if services().database.ping():
        return jsonify(status="ok")
    return jsonify(status="unavailable", checks={"database": "not answering"}), 503


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
