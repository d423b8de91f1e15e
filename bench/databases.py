"""Fresh databases for the in-process and scheduler benchmarks (the load test has its own in
`server.py`, which can also use a given `BENCH_DATABASE_URL`)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def fresh_database(backend: str, folder: Path, name: str) -> str:
    """A new empty database `name`: a file in `folder`, or dropped and created on the local
    PostgreSQL server."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'{name}.db'}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{POSTGRES_SERVER}/{name}"


def drop_database(backend: str, name: str) -> None:
    """Drop what `fresh_database` made (a SQLite file goes with its temporary folder)."""
    if backend != "postgresql":
        return
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def postgres_available() -> bool:
    try:
        engine = create_engine(f"{POSTGRES_SERVER}/postgres", connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        return False
    return True


def chosen_backends() -> list[str]:
    """The backends of BENCH_BACKENDS (default both); PostgreSQL is left out, with a line
    saying so, when 127.0.0.1:5432 does not answer."""
    chosen = [b.strip() for b in os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")]
    if "postgresql" in chosen and not postgres_available():
        print("  PostgreSQL skipped: 127.0.0.1:5432 not usable", flush=True)
        chosen.remove("postgresql")
    return chosen
