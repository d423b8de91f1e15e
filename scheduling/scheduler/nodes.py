"""The scheduler processes as the database knows them: for status, and to spot a dead one.

Every process writes its heartbeat into its row (a standby every `standby_poll_seconds`, the
active one every `heartbeat_seconds`); one that stops without saying goodbye (`kill -9`, a
lost machine) simply falls silent. Silent for `unreachable_after` (the takeover time, several
heartbeats) it counts as unreachable, whatever its row says; silent for `forget_after`, the
next heartbeat of any live process removes its row."""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, select, update

from hotline.db import Database, insert_unless_present
from hotline.scheduler.models import SchedulerNode

_NODES: Table = SchedulerNode.__table__  # type: ignore[assignment]


def new_node_id() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class NodeStatus:
    id: str
    host: str
    pid: int
    active: bool
    started_at: datetime
    heartbeat_at: datetime

    def reachable(self, now: datetime, unreachable_after: timedelta) -> bool:
        """Alive as far as anyone can tell: its last heartbeat is recent enough."""
        return now - self.heartbeat_at <= unreachable_after


def register(database: Database, node: str, now: datetime) -> None:
    host, pid, _ = node.rsplit(":", 2)
    with database.transaction() as session:
        insert_unless_present(
            session,
            _NODES,
            {
                "id": node,
                "host": host,
                "pid": int(pid),
                "active": False,
                "started_at": now,
                "heartbeat_at": now,
            },
            ("id",),
        )


def heartbeat(
    database: Database, node: str, now: datetime, *, active: bool, forget_after: timedelta
) -> None:
    """`node` is alive (and the active one, or a standby); rows silent for `forget_after`
    are removed."""
    with database.transaction() as session:
        session.execute(
            update(_NODES).where(_NODES.c.id == node).values(heartbeat_at=now, active=active)
        )
        if active:  # only one can be: whoever was before has lost the lock or lease
            session.execute(update(_NODES).where(_NODES.c.id != node).values(active=False))
        session.execute(delete(_NODES).where(_NODES.c.heartbeat_at < now - forget_after))


def unregister(database: Database, node: str) -> None:
    with database.transaction() as session:
        session.execute(delete(_NODES).where(_NODES.c.id == node))


def nodes(database: Database) -> list[NodeStatus]:
    with database.transaction() as session:
        rows = session.execute(select(_NODES).order_by(_NODES.c.active.desc(), _NODES.c.started_at))
        return [NodeStatus(**row._mapping) for row in rows]


def last_active_heartbeat(database: Database) -> datetime | None:
    with database.transaction() as session:
        return session.scalar(
            select(_NODES.c.heartbeat_at).where(_NODES.c.active.is_(True)).limit(1)
        )
