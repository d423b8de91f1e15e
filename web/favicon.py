"""`/favicon.ico`: every browser asks for it on every site; a real icon (the white S of the
starke Stelle on its blue, 16 and 32 px) instead of a 404 in every log, kept for a week."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, send_file
from flask.typing import ResponseReturnValue

ICON = Path(__file__).parent / "static" / "favicon.ico"
KEPT_SECONDS = 7 * 24 * 3600

blueprint = Blueprint("favicon", __name__)


@blueprint.get("/favicon.ico")
def icon() -> ResponseReturnValue:
    response = send_file(
        ICON, mimetype="image/vnd.microsoft.icon", max_age=KEPT_SECONDS, conditional=True
    )
    response.cache_control.public = True
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
