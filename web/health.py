"""`GET /healthz` for load balancers and monitoring.

503 when this web node cannot serve: the database does not answer, or its schema is behind
the code. The scheduler's heartbeat and the oldest overdue work item are reported too, but
do not make the node unhealthy: a load balancer must not take web nodes out because the
scheduler (a separate process) is late. Monitoring alerts on those figures instead.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

from hotline import migrate
from hotline.outbox import queue
from hotline.services import services
from scheduling.scheduler import nodes

blueprint = Blueprint("health", __name__)
OVERDUE_GRACE_KEY = "health_overdue_grace"


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    svc = services()
    database = svc.database
    try:
        current = migrate.current_revision(database.engine)
    except Exception:  # any failure means "not healthy"
        return jsonify(status="unavailable", checks={"database": "not answering"}), 503
    expected = migrate.head_revision()
    if current != expected:
        detail = f"at {current or 'no schema'}, expected {expected}: run `hotline db upgrade`"
        return jsonify(status="unavailable", checks={"schema": detail}), 503
    now = svc.clock.now()
    heartbeat = nodes.last_active_heartbeat(database)
    with database.transaction() as session:
        overdue = queue.oldest_overdue(session, now, current_app.extensions[OVERDUE_GRACE_KEY])
    return jsonify(
        status="ok",
        scheduler={
            "heartbeat_age_seconds": _seconds(now - heartbeat) if heartbeat else None,
            "oldest_overdue_work_seconds": _seconds(now - overdue) if overdue else None,
        },
    )


def _seconds(delta: timedelta) -> int:
    return max(int(delta.total_seconds()), 0)


def init_app(app: Flask, overdue_grace: timedelta) -> None:
    app.extensions[OVERDUE_GRACE_KEY] = overdue_grace
    app.register_blueprint(blueprint)
