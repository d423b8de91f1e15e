"""`/kalender/<token>.ics`: a counsellor's subscribable calendar (webcal://)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort
from flask.typing import ResponseReturnValue

from hotline.appointments.feed import counsellor_feed, counsellor_for_feed
from hotline.appointments.links import FEED_PREFIX
from hotline.services import services
from web.context import units

blueprint = Blueprint("feeds", __name__, url_prefix=FEED_PREFIX)


@blueprint.get("/<token>.ics")
def feed(token: str) -> ResponseReturnValue:
    svc = services()
    with svc.database.transaction() as session:
        counsellor = counsellor_for_feed(session, token)
        if counsellor is None:
            abort(404)
        body = counsellor_feed(session, counsellor, svc.clock.now(), units().config, units().links)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="starke-stelle.ics"'
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
