"""`hotline simulate --callback ID`: a callback booked by a simulated call (`hotline simulate`
on a Saturday), then placed by the scheduler's due work and played as the counsellor whose
phone rings, on the simulation's own database; the service's set-up (the test database) is
copied in before each play."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.cli.simulate_callback import _local_time
from hotline.cli.support import cli_app
from hotline.clock import FixedClock
from hotline.db import Database
from hotline.outbox.models import WorkItem
from hotline.telephony.phone_numbers import mask
from ivr_flows.speech import spoken_digits
from tests.support.callbacks import callback_attempts
from tests.support.times import BERLIN, berlin
from tests.support.twilio import CALLER

SATURDAY = berlin(2026, 11, 28, 11, 0)  # closed: the menu offers a callback
# language, case number, 1 = callback, 1 = own number is right, 1 = first slot offered
BOOKING = "- - 1 1 1"
MONDAY_NINE = berlin(2026, 11, 30, 9, 0)  # the first slot offered
AT_NINE = "2026-11-30 09:00"
HOTLINE = "+498003009944"
COUNSELLOR = "+4922855550100"
COLLEAGUE = "+4922855550200"
SIMULATE = importlib.import_module("hotline.cli.simulate")  # `hotline.cli.simulate` is the command


@dataclass(frozen=True)
class Booked:
    id: int
    reference: str


@pytest.fixture
def simulation(cli_environment):
    """The simulation's own database, where the simulated call booked (like `svc`: a
    `.database`)."""
    path = Path(cli_environment["HOTLINE_INSTANCE_PATH"]) / "simulation.db"
    database = Database(f"sqlite:///{path}")
    yield SimpleNamespace(database=database, path=path)
    database.dispose()


@pytest.fixture
def booked(hotline, create_counsellor, simulation) -> Booked:
    """A callback booked for Monday 9:00 the way a caller books one, on a Saturday."""
    create_counsellor("Mia Sommer", phone=COUNSELLOR)
    result = hotline("simulate", "--at", "2026-11-28 11:00", "--from", CALLER, "--keys", BOOKING)
    assert result.exit_code == 0, result.output
    with simulation.database.transaction() as session:
        callback = session.scalars(select(Callback)).one()
        assert callback.state == CallbackState.BOOKED and callback.due_at == MONDAY_NINE
        reference = session.scalar(select(Case.reference).where(Case.id == callback.case_id))
    assert (
        f"Rückruf {callback.id} gebucht – spielen: hotline simulate --callback {callback.id}"
        in (result.output)
    )
    return Booked(callback.id, reference)


def stored(simulation, callback_id: int) -> Callback:
    with simulation.database.transaction() as session:
        callback = session.get(Callback, callback_id)
        session.expunge(callback)
        return callback


def play(hotline, callback_id: int, *options: str):
    return hotline("simulate", "--callback", str(callback_id), *options)


def test_the_counsellor_hears_the_case_dials_the_caller_and_the_callback_is_done(
    hotline, booked, simulation
):
    result = play(hotline, booked.id, "--keys", "1 1", "--callee", "answer", "--at", AT_NINE)
    assert result.exit_code == 0, result.output
    output = result.output
    assert f"Berater:in 1 wird angerufen ({mask(COUNSELLOR)})" in output
    assert f"Rückruf für Fall {spoken_digits(booked.reference, 'de')}" in output
    assert f"Wähle die Nummer der Anrufer:in ({mask(CALLER)}, Absender {HOTLINE})" in output
    assert "Anrufer:in hat abgenommen" in output
    assert "Danke, der Rückruf ist erledigt." in output
    reference = display_case_reference(booked.reference)
    assert f"Rückruf {booked.id}: erledigt; 1 Versuch; Fall {reference}; Nummer gelöscht" in output
    assert CALLER not in output and CALLER.removeprefix("+49") not in output
    assert COUNSELLOR not in output
    callback = stored(simulation, booked.id)
    assert callback.state == CallbackState.DONE and callback.number_encrypted is None
    [attempt] = callback_attempts(simulation, booked.id)
    assert attempt.outcome == "talked" and attempt.ended_at is not None
    with simulation.database.transaction() as session:  # the webhook saw `work=ID` of the ring
        ring = session.get(WorkItem, attempt.ring_work_id)
        assert ring.reference == attempt.counsellor_leg_sid is not None


def test_a_busy_caller_gets_another_attempt_a_quarter_of_an_hour_later(hotline, booked, simulation):
    result = play(hotline, booked.id, "--keys", "1", "--callee", "busy", "--at", AT_NINE)
    assert result.exit_code == 0, result.output
    assert "bei der Anrufer:in ist besetzt" in result.output
    assert "Die Person war nicht erreichbar. Wir versuchen es heute um 9 Uhr 15" in result.output
    assert f"Rückruf {booked.id}: wieder fällig um 09:15 Uhr; 1 Versuch" in result.output
    assert CALLER not in result.output
    callback = stored(simulation, booked.id)
    assert callback.state == CallbackState.BOOKED and callback.number_encrypted is not None
    assert timedelta(minutes=15) <= callback.due_at - MONDAY_NINE < timedelta(minutes=16)
    [attempt] = callback_attempts(simulation, booked.id)
    assert attempt.outcome == "caller-busy"


@pytest.fixture
def cli_now(monkeypatch):
    """The CLI's own clock (what `hotline` takes for now), independent of the real date."""

    def set_now(at: datetime) -> None:
        monkeypatch.setattr(SIMULATE, "cli_app", lambda: cli_app(FixedClock(at)))

    return set_now


def test_the_next_attempt_is_played_at_its_own_time_by_default(
    hotline, booked, simulation, cli_now
):
    play(hotline, booked.id, "--keys", "1", "--callee", "no-answer", "--at", AT_NINE)
    cli_now(SATURDAY)
    result = play(hotline, booked.id, "--keys", "1 1")  # no --at: when the retry falls due
    assert result.exit_code == 0, result.output
    assert f"Rückruf {booked.id}: erledigt; 2 Versuche" in result.output
    assert [attempt.outcome for attempt in callback_attempts(simulation, booked.id)] == [
        "caller-no-answer",
        "talked",
    ]


def test_an_overdue_callback_is_played_now_by_default(hotline, booked, simulation, cli_now):
    cli_now(MONDAY_NINE + timedelta(hours=2))  # the scheduler was not running at 9
    result = play(hotline, booked.id, "--keys", "1 1")
    assert result.exit_code == 0, result.output
    assert "gebucht für heute um 9 Uhr" in result.output
    assert stored(simulation, booked.id).ended_at >= MONDAY_NINE + timedelta(hours=2)


def test_a_mailbox_answers_and_the_counsellor_says_so_with_2(hotline, booked, simulation):
    result = play(hotline, booked.id, "--keys", "1 2", "--callee", "mailbox", "--at", AT_NINE)
    assert result.exit_code == 0, result.output
    assert "Mailbox der Anrufer:in hat abgenommen" in result.output
    assert stored(simulation, booked.id).state == CallbackState.BOOKED
    [attempt] = callback_attempts(simulation, booked.id)
    assert attempt.outcome == "caller-mailbox"


def test_a_mailbox_detected_hears_only_the_neutral_message_if_the_counsellor_leaves_it(
    hotline, booked, simulation
):
    """Answering-machine detection: the counsellor hears "Mailbox", presses 1, and the
    mailbox gets the fixed message that names neither the case nor the topic."""
    result = play(hotline, booked.id, "--keys", "1 1", "--callee", "mailbox", "--at", AT_NINE)
    assert result.exit_code == 0, result.output
    assert "Mailbox. Eine Mailbox hat abgenommen" in result.output
    assert "Die neutrale Nachricht ist hinterlassen." in result.output
    [attempt] = callback_attempts(simulation, booked.id)
    assert attempt.outcome == "caller-mailbox"
    assert stored(simulation, booked.id).state == CallbackState.BOOKED  # tried again


def test_a_counsellor_who_presses_nothing_passes_it_to_a_colleague(
    hotline, booked, simulation, create_counsellor
):
    create_counsellor("Jonas Keller", phone=COLLEAGUE)
    result = play(hotline, booked.id, "--keys", "- 1 1", "--at", AT_NINE)
    assert result.exit_code == 0, result.output
    output = result.output
    assert output.count("Rückruf für Fall") == 2
    assert "Dann versuchen wir es bei einer Kollegin oder einem Kollegen." in output
    assert f"Berater:in 2 wird angerufen ({mask(COLLEAGUE)})" in output
    assert f"Rückruf {booked.id}: erledigt; 1 Versuch" in output
    assert stored(simulation, booked.id).state == CallbackState.DONE


def test_a_counsellor_who_presses_another_key_passes_and_nobody_else_is_free(
    hotline, booked, simulation
):
    result = play(hotline, booked.id, "--keys", "2", "--at", AT_NINE)
    assert result.exit_code == 0, result.output
    assert "Dann versuchen wir es bei einer Kollegin oder einem Kollegen." in result.output
    assert f"Rückruf {booked.id}: wieder fällig um 09:05 Uhr" in result.output
    callback = stored(simulation, booked.id)
    assert callback.state == CallbackState.BOOKED and callback.number_encrypted is not None


def test_the_counsellor_answers_at_the_terminal(hotline, booked, simulation):
    result = hotline("simulate", "--callback", str(booked.id), "--at", AT_NINE, input="1\nj\n1\n")
    assert result.exit_code == 0, result.output
    assert "Sie sind die Berater:in" in result.output
    assert "Anrufer:in nimmt ab? [j/N]" in result.output
    assert stored(simulation, booked.id).state == CallbackState.DONE


def test_nobody_on_duty_is_said_clearly_and_fails(hotline, booked, simulation):
    assert hotline("counsellor", "duty", "Mia Sommer", "off").exit_code == 0
    result = play(hotline, booked.id, "--keys", "1 1", "--at", AT_NINE)
    assert result.exit_code == 1
    assert "nobody free" in result.output
    assert "the scheduler looks again at 2026-11-30 09:05" in result.output
    assert stored(simulation, booked.id).state == CallbackState.BOOKED


def test_a_callback_not_due_yet_names_its_time(hotline, booked):
    result = play(hotline, booked.id, "--keys", "1 1", "--at", "2026-11-30 08:30")
    assert result.exit_code == 1
    assert f"callback {booked.id} is not due until 2026-11-30 09:00" in result.output


def test_a_callback_due_while_closed_moves_to_the_next_opening(hotline, booked, simulation):
    result = play(hotline, booked.id, "--keys", "1 1", "--at", "2026-12-24 10:00")
    assert result.exit_code == 1
    assert "the line is closed at 2026-12-24 10:00" in result.output
    assert "2026-12-28 09:00" in result.output
    assert stored(simulation, booked.id).due_at == berlin(2026, 12, 28, 9, 0)


def test_a_callback_that_is_over_cannot_be_played_again(hotline, booked):
    play(hotline, booked.id, "--keys", "1 1", "--at", AT_NINE)
    result = play(hotline, booked.id, "--keys", "1 1", "--at", AT_NINE)
    assert result.exit_code == 1
    assert f"callback {booked.id} is not open (done)" in result.output


def test_without_a_simulated_call_there_is_nothing_to_play(hotline):
    result = hotline("simulate", "--callback", "1", "--keys", "1 1")
    assert result.exit_code == 1
    assert "Noch kein simulierter Anruf" in result.output
    assert "hotline simulate --at '2026-11-28 11:00' --keys '- - 1 1 1'" in result.output


def test_an_unknown_callback_is_a_clear_error(hotline, booked):
    result = hotline("simulate", "--callback", "999", "--keys", "1 1")
    assert result.exit_code == 1
    assert "Kein Rückruf 999 in der Simulation" in result.output
    assert "hotline callbacks list" in result.output


def test_a_callback_of_the_service_is_not_played_and_stays_as_it_is(
    hotline, client, svc, clock, create_counsellor, simulation
):
    """A callback booked on the service (here through the API) holds its place in the
    simulation, but `--callback` plays only what a simulated call booked: the service's
    scheduler places its own."""
    create_counsellor("Mia Sommer", phone=COUNSELLOR)
    slot = client.get("/api/v1/slots?type=callback&from=2026-11-30&days=1").json["slots"][0]
    response = client.post(
        "/api/v1/appointments",
        json={
            "type": "callback",
            "start": slot["start"],
            "name": "Herr Amtsträger",
            "phone": "+4915199999999",
            "consent": True,
        },
    )
    assert response.status_code == 201, response.json
    with svc.database.transaction() as session:
        service_callback = session.scalars(select(Callback)).one()
        work_before = session.execute(select(WorkItem.id, WorkItem.state)).all()
    assert hotline("simulate", "--at", "2026-11-28 11:00", "--keys", "- - -").exit_code == 0

    result = play(hotline, service_callback.id, "--keys", "1 1", "--at", AT_NINE)

    assert result.exit_code == 1
    assert f"Rückruf {service_callback.id} hält in der Simulation nur den Platz" in result.output
    assert "wird angerufen" not in result.output
    with svc.database.transaction() as session:
        assert session.get(Callback, service_callback.id).state == CallbackState.BOOKED
        assert session.execute(select(WorkItem.id, WorkItem.state)).all() == work_before
    copied = stored(simulation, service_callback.id)  # its place, without its number
    assert copied.slot_start == service_callback.slot_start and copied.number_encrypted is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--callback", "1", "--url", "http://127.0.0.1:8000"], "in-process"),
        (["--callback", "1", "--counsellor", "accept"], "you are the counsellor"),
        (["--callback", "1", "--from", "+4930123456"], "dials the booked one"),
        (["--callee", "busy"], "use --callback"),
    ],
)
def test_options_that_do_not_fit_a_callback_are_usage_errors(hotline, options, message):
    result = hotline("simulate", *options)
    assert result.exit_code == 2
    assert message in result.output


def test_summary_times_on_another_day_name_the_day():
    assert _local_time(MONDAY_NINE, MONDAY_NINE, BERLIN) == "um 09:00 Uhr"
    tuesday = _local_time(MONDAY_NINE + timedelta(days=1), MONDAY_NINE, BERLIN)
    assert tuesday == "am Dienstag, 01.12.2026, 09:00 Uhr"
