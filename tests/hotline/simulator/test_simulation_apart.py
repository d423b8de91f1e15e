"""`hotline simulate` never changes what the service does: the simulated call is played on a
database of its own (a fresh SQLite file with the service's set-up copied in), so its
scheduler does only the work the simulated call causes, the service's scheduler finds nothing
simulated to act on, and the statistics count nothing simulated. Through the CLI against the
test database (the service's), on both databases."""

from __future__ import annotations

import fcntl
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline.appointments.models import Appointment
from hotline.callbacks.models import Callback, CallbackState
from hotline.counsellors.models import Counsellor
from hotline.db import Database
from hotline.outbox.models import WorkItem, WorkState
from hotline.telephony.models import Call
from tests.support.appointments import book, free_slots, raised_booking_limit
from tests.support.staff import add_staff, log_in
from tests.support.times import berlin
from tests.support.twilio import CALLER

hotline_config = raised_booking_limit

COUNSELLOR = "+4922855550100"
SATURDAY = "2026-11-28 11:00"  # closed: the menu offers a callback, Monday 9:00 first
BOOK_A_CALLBACK = "- - 1 1 1"  # language, case number, callback, own number, first slot


def work_of(svc) -> list[tuple[int, str, str, int]]:
    with svc.database.transaction() as session:
        rows = session.execute(
            select(WorkItem.id, WorkItem.kind, WorkItem.state, WorkItem.attempts).order_by(
                WorkItem.id
            )
        ).all()
    return [tuple(row) for row in rows]


def count_of(svc, model) -> int:
    with svc.database.transaction() as session:
        return len(session.scalars(select(model)).all())


@pytest.fixture
def simulation(cli_environment):
    """The simulation's own database, as `hotline simulate` leaves it."""
    path = Path(cli_environment["HOTLINE_INSTANCE_PATH"]) / "simulation.db"
    opened: list[Database] = []

    def open_it() -> Database:
        assert path.exists(), "no simulated call yet"
        opened.append(Database(f"sqlite:///{path}"))
        return opened[-1]

    yield open_it
    for database in opened:
        database.dispose()


def test_a_simulated_call_does_none_of_the_work_of_an_appointment_booked_on_the_page(
    hotline, client, svc, create_counsellor
):
    """`simulate --at '2026-12-24 10:00'` once did the reminders of an appointment booked for
    12 Dec and its `appointment_forget` deleted the official's contact while it was ahead."""
    create_counsellor("Mia Sommer", phone=COUNSELLOR, email="mia@example.org")
    start = free_slots(client, **{"from": "2026-12-10", "days": 1})[0]["start"]
    assert book(client, start).status_code == 201
    work_before = work_of(svc)
    assert {kind for _, kind, _, _ in work_before} >= {"appointment_reminder"}
    assert all(state == WorkState.PENDING for _, _, state, _ in work_before)

    result = hotline("simulate", "--at", "2026-12-24 10:00", "--keys", "- - -")

    assert result.exit_code == 0, result.output
    assert "Heiligabend" in result.output or "geschlossen" in result.output.lower()
    assert work_of(svc) == work_before  # nothing done, nothing added
    with svc.database.transaction() as session:
        appointment = session.scalars(select(Appointment)).one()
        assert appointment.email_encrypted is not None and appointment.name_encrypted is not None
        assert session.scalars(select(Call)).all() == []  # the simulated call is not here


def test_a_simulated_saturday_booking_leaves_the_service_no_callback_and_nothing_to_count(
    hotline, client, svc, clock, create_counsellor, dispatcher, fake_twilio, simulation
):
    """`simulate --at '2026-11-28 11:00' --keys '- - 1 1 1'` once booked a callback for 30
    Nov in the service's database; the running scheduler rang a real counsellor at once."""
    clock.set(berlin(2026, 12, 1, 10, 0))  # Tuesday: Monday 9:00 has passed
    create_counsellor("Mia Sommer", phone=COUNSELLOR)
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    statistics = "/staff/stats.csv?from=2026-11-28&to=2026-12-01"
    counted_before = client.get(statistics).get_data(as_text=True)

    result = hotline("simulate", "--at", SATURDAY, "--from", CALLER, "--keys", BOOK_A_CALLBACK)

    assert result.exit_code == 0, result.output
    assert "Rückruf 1 gebucht – spielen: hotline simulate --callback 1" in result.output
    assert "der Dienst, seine Konsole und seine Statistik sehen nichts" in result.output
    # the service's scheduler, as it runs now: nothing to place, nobody rung
    assert dispatcher.dispatch_due() == []
    assert fake_twilio.calls_created() == [] and fake_twilio.messages_sent() == []
    assert count_of(svc, Callback) == 0 and count_of(svc, Call) == 0
    assert work_of(svc) == []
    assert client.get(statistics).get_data(as_text=True) == counted_before
    # the booking is the simulation's alone
    own = simulation()
    with own.transaction() as session:
        callback = session.scalars(select(Callback)).one()
        assert callback.state == CallbackState.BOOKED
        assert callback.due_at == berlin(2026, 11, 30, 9, 0)


def test_the_next_simulated_call_finds_the_counsellor_free(
    hotline, clock, create_counsellor, dispatcher
):
    """The service's scheduler once rang the counsellor for a simulated callback that had
    fallen due, and the next simulated call found that counsellor busy."""
    clock.set(berlin(2026, 11, 30, 9, 5))  # Monday: the callback booked on Saturday is due
    create_counsellor("Mia Sommer", phone=COUNSELLOR)
    booking = hotline("simulate", "--at", SATURDAY, "--keys", BOOK_A_CALLBACK)
    assert booking.exit_code == 0, booking.output
    dispatcher.dispatch_due()  # the service's scheduler, as it runs now

    result = hotline("simulate", "--keys", "- -")

    assert result.exit_code == 0, result.output
    assert "Rückruf für Fall" not in result.output  # no whisper of the earlier booking
    assert "Ergebnis connected, Fall " in result.output


def test_the_simulation_gets_the_service_set_up_and_no_personal_data(
    hotline, client, create_counsellor, simulation
):
    """Counsellors (as they are) and the places bookings hold are copied; the official's
    name and address, the service's calls and its work are not."""
    create_counsellor("Mia Sommer", phone=COUNSELLOR, email="mia@example.org")
    create_counsellor("Jonas Keller", on_duty=False)
    start = free_slots(client, **{"from": "2026-12-10", "days": 1})[0]["start"]
    assert book(client, start).status_code == 201

    result = hotline("simulate", "--at", SATURDAY, "--keys", "- - -")

    assert result.exit_code == 0, result.output
    with simulation().transaction() as session:
        on_duty = dict(session.execute(select(Counsellor.name, Counsellor.on_duty)).all())
        assert on_duty == {"Mia Sommer": True, "Jonas Keller": False}
        appointment = session.scalars(select(Appointment)).one()  # its place is taken here too
        assert appointment.start == datetime.fromisoformat(start)
        assert appointment.name_encrypted is None and appointment.email_encrypted is None
        assert appointment.phone_encrypted is None
        [call] = session.scalars(select(Call)).all()  # the simulated one only
        assert call.call_sid in result.output
        kinds = set(session.scalars(select(WorkItem.kind)).all())
        assert not {kind for kind in kinds if kind.startswith("appointment")}


def test_two_simulations_at_once_are_refused(hotline, cli_environment):
    """They would play on one file: the second says so and changes nothing."""
    instance = Path(cli_environment["HOTLINE_INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    with open(instance / "simulation.lock", "w") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a simulation playing elsewhere
        result = hotline("simulate", "--at", SATURDAY, "--keys", "- - -")
    assert result.exit_code == 1
    assert "Ein anderes `hotline simulate` spielt gerade" in result.output
    assert not (instance / "simulation.db").exists()
    assert hotline("simulate", "--at", SATURDAY, "--keys", "- - -").exit_code == 0  # then it may
