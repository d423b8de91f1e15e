"""Who runs the scheduler: the processes (active and standbys), the SQLite lease, and the
table APScheduler keeps its periodic jobs in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, Float, Integer, LargeBinary, String, Table, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime

JOBS_TABLE = "scheduler_jobs"


class SchedulerNode(Base):
    """A `hotline scheduler` process, active or standby, with its last sign of life."""

    __tablename__ = "scheduler_nodes"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid:random
    host: Mapped[str] = mapped_column(String(120))
    pid: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SchedulerLease(Base):
    """On SQLite, the one active scheduler holds this row's lease and renews it while alive
    (PostgreSQL uses an advisory lock instead; the row then only names the holder)."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# APScheduler's SQLAlchemyJobStore creates this table itself when missing; it is declared here
# (exactly as APScheduler 3 defines it) so that the migrations create it and keep it.
scheduler_jobs = Table(
    JOBS_TABLE,
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
