"""Schema changes go through Alembic: the migrations build exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from hotline import migrate
from hotline.schema import metadata


def test_migrated_schema_matches_the_models(svc):
    with svc.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []
    assert migrate.current_revision(svc.database.engine) == migrate.head_revision()


def test_downgrade_to_nothing_and_back(svc):
    engine = svc.database.engine
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert {"cases", "calls", "webhook_events", "counsellors", "hours_overrides"} <= set(
        inspect(engine).get_table_names()
    )
    assert {"work_items", "scheduler_nodes", "scheduler_lease", "scheduler_jobs"} <= set(
        inspect(engine).get_table_names()
    )


def test_the_callback_link_column_is_added_to_callbacks_already_booked(svc, client, factories):
    """0008 on a database with a callback booked before it: kept, without a link."""
    from sqlalchemy import select

    from scheduling.callbacks.models import Callback

    factories.counsellor("Anna")
    booked = client.post(
        "/api/v1/appointments",
        json={
            "type": "callback",
            "start": "2026-11-26T13:15:00+01:00",
            "name": "X",
            "phone": "0151 23456789",
            "consent": True,
        },
    )
    assert booked.status_code == 201
    engine = svc.database.engine
    migrate.downgrade(engine, "0007")
    migrate.upgrade(engine)
    with svc.database.transaction() as session:
        (callback,) = session.scalars(select(Callback)).all()
        assert callback.state == "booked" and callback.number_encrypted is not None
        assert callback.token_digest is None  # its booker's link went with the downgrade


def test_each_migration_runs_on_a_database_holding_data(svc, twilio, simulate_call):
    """Upgrading keeps what is there: from the first revision, with calls and cases stored."""
    from sqlalchemy import func, select

    from hotline.cases.models import Case
    from hotline.telephony.models import Call

    simulate_call(["-", "-"], silent_after_keys=True)
    with svc.database.transaction() as session:
        calls = session.scalar(select(func.count()).select_from(Call))
        cases = session.scalar(select(func.count()).select_from(Case))
    engine = svc.database.engine
    migrate.downgrade(engine, "0001")
    migrate.upgrade(engine)
    with svc.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == calls > 0
        assert session.scalar(select(func.count()).select_from(Case)) == cases > 0
    assert migrate.current_revision(engine) == migrate.head_revision()
