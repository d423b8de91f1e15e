"""`GET /metrics`: Prometheus' text format, for the monitoring server only.

It is served when METRICS_TOKEN is set, to requests that carry it as a bearer token
(`Authorization: Bearer …`, compared in constant time); without a token it answers 404, as if
it did not exist, so that nothing is shown by accident. The nginx site in `deploy/` also keeps
it off the public address. The scheduler's own counters are served by the scheduler
(SCHEDULER_METRICS_ADDRESS), bound to an internal address instead.

The answer is the process counters (summed over the gunicorn workers) followed by the
database figures, which are read at scrape time (`figures`).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, generate_latest

from hotline.metrics import CONTENT_TYPE, process_counters
from scheduling.scheduler.kind_table import build_work_kinds
from scheduling.unit import Units
from web.metrics.figures import DatabaseFigures

blueprint = Blueprint("metrics", __name__)
_TOKEN_KEY = "metrics_token"
_FIGURES_KEY = "metrics_figures"


@blueprint.get("/metrics")
def metrics() -> Response:
    token = current_app.extensions[_TOKEN_KEY]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response(
            "Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n",
            401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    body = process_counters() + generate_latest(current_app.extensions[_FIGURES_KEY])
    return Response(body, 200, content_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def init_app(app: Flask, units: Units, token: str | None) -> None:
    app.extensions[_TOKEN_KEY] = token
    figures = CollectorRegistry(auto_describe=False)
    figures.register(DatabaseFigures(units, tuple(kind.name for kind in build_work_kinds())))
    app.extensions[_FIGURES_KEY] = figures
    app.register_blueprint(blueprint)
