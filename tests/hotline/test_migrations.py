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

    from hotline.callbacks.models import Callback

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


def test_the_display_name_column_is_added_to_counsellors_already_stored(svc, factories, clock):
    """0009 on a database with counsellors: kept, shown by first name until one is set; a
    downgrade drops only the display name."""
    from sqlalchemy import select

    from hotline.counsellors.models import Counsellor
    from hotline.counsellors.service import set_display_name

    factories.counsellor("Anna Kowalczyk", email="anna@example.org")
    with svc.database.transaction() as session:
        set_display_name(session, "Anna Kowalczyk", "Beraterin A.", clock.now())
    engine = svc.database.engine
    migrate.downgrade(engine, "0008")
    assert "display_name" not in {c["name"] for c in inspect(engine).get_columns("counsellors")}
    migrate.upgrade(engine)
    with svc.database.transaction() as session:
        (anna,) = session.scalars(select(Counsellor)).all()
        assert anna.name == "Anna Kowalczyk" and anna.display_name is None
        assert anna.shown_name == "Anna"
        assert svc.cipher.decrypt(anna.email_encrypted) == "anna@example.org"
        set_display_name(session, "Anna Kowalczyk", "Beraterin A.", clock.now())
    with svc.database.transaction() as session:
        assert session.scalars(select(Counsellor.display_name)).one() == "Beraterin A."


def test_each_migration_runs_on_a_database_holding_data(svc, twilio, simulate_call, factories):
    """Upgrading keeps what is there: from the first revision, with calls, cases and
    counsellors stored."""
    from sqlalchemy import func, select

    from hotline.cases.models import Case
    from hotline.counsellors.models import Counsellor
    from hotline.telephony.models import Call

    factories.counsellor("Anna Kowalczyk", email="anna@example.org", on_duty=False)
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
        (anna,) = session.scalars(select(Counsellor)).all()
        assert anna.shown_name == "Anna"  # 0009 added the display name, empty
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_follow_up_outcomes_written_in_clear_are_sealed_on_the_way_to_0010(
    svc, factories, clock, create_case, hotline
):
    """0010 on a database holding outcomes in clear and logged-in staff: the outcomes are
    encrypted with the data key (refused, with the reason, without one), the accounts stay."""
    import pytest
    from sqlalchemy import select, text

    from hotline.referrals.models import Referral, SupportOffer
    from hotline.staff.accounts import add_account, find_account
    from hotline.staff.models import StaffRole

    case = create_case()
    now = clock.now()
    with svc.database.transaction() as session:
        add_account(
            session,
            svc.cipher,
            now,
            email="anna@example.org",
            role=StaffRole.COUNSELLOR,
            password="richtig-langes-passwort",
        )
        offer = SupportOffer(
            name="Beratung", region="NW", category="beratung", created_at=now, updated_at=now
        )
        session.add(offer)
        session.flush()
        session.add(
            Referral(case_id=case.id, offer_id=offer.id, referred_on=now.date(), created_at=now)
        )
    engine = svc.database.engine
    migrate.downgrade(engine, "0009")
    with engine.begin() as connection:
        connection.execute(text("UPDATE referrals SET follow_up_outcome = 'Frau M. geholfen'"))
    with pytest.raises(RuntimeError, match="HOTLINE_DATA_KEY"):
        migrate.upgrade(engine)
    assert migrate.current_revision(engine) == "0009"  # nothing half done
    upgraded = hotline("db", "upgrade")  # as operators do it: the data key is configured
    assert upgraded.exit_code == 0 and "aktualisiert von 0009" in upgraded.output
    with svc.database.transaction() as session:
        sealed = session.scalars(select(Referral.follow_up_outcome_encrypted)).one()
        assert b"Frau M." not in sealed
        assert svc.cipher.decrypt(sealed) == "Frau M. geholfen"
        assert find_account(session, "anna@example.org") is not None
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_an_override_reason_stored_before_0011_becomes_its_internal_note(svc, clock, simulate_call):
    """0011 on a database holding an override that closes the line: the reason it was set
    with becomes its internal note, which callers do not hear (the console had promised it
    was never spoken); it gets no announcement."""
    from datetime import timedelta

    import sqlalchemy as sa
    from sqlalchemy import select

    from hotline.db import UTCDateTime
    from hotline.hours.models import HoursOverrideEntry

    engine = svc.database.engine
    migrate.downgrade(engine, "0010")
    overrides = sa.table(
        "hours_overrides",
        sa.column("is_open", sa.Boolean),
        sa.column("starts_at", UTCDateTime()),
        sa.column("ends_at", UTCDateTime()),
        sa.column("reason", sa.String),
        sa.column("created_at", UTCDateTime()),
    )
    now = clock.now()
    with engine.begin() as connection:
        connection.execute(
            overrides.insert().values(
                is_open=False,
                starts_at=now,
                ends_at=now + timedelta(hours=4),
                reason="Interne Besprechung",
                created_at=now,
            )
        )
    migrate.upgrade(engine)
    with svc.database.transaction() as session:
        entry = session.scalars(select(HoursOverrideEntry)).one()
        assert (entry.note, entry.announcement) == ("Interne Besprechung", None)
    transcript = simulate_call(["-", "-"], silent_after_keys=True)
    assert transcript.said("Unsere Telefonberatung ist gerade nicht besetzt.")
    assert not transcript.said("Besprechung")


def test_a_downgrade_below_0011_leaves_the_old_code_only_the_announcement_to_speak(svc, clock):
    """The code before 0011 reads `reason` to callers: it gets the announcement, or nothing."""
    from datetime import timedelta

    from sqlalchemy import text

    from scheduling.hours.overrides import set_override

    now = clock.now()
    with svc.database.transaction() as session:
        for announcement in ("Bis 14 Uhr geschlossen", None):
            set_override(
                session,
                is_open=False,
                until=now + timedelta(hours=4),
                note="Interne Besprechung",
                announcement=announcement,
                now=now,
            )
    engine = svc.database.engine
    migrate.downgrade(engine, "0010")
    with engine.connect() as connection:
        reasons = connection.execute(text("SELECT reason FROM hours_overrides ORDER BY id"))
        assert [row.reason for row in reasons] == ["Bis 14 Uhr geschlossen", ""]
    migrate.upgrade(engine)


def test_callbacks_booked_out_of_hours_before_0012_count_as_out_of_hours_after_it(
    svc, client, clock, simulate_call, create_counsellor, hotline
):
    """0012 on a database that recorded an out-of-hours callback as a plain callback wish
    (0011 did) and rolled its day up: the call is out of hours again, the rollup is counted
    anew, and a callback booked when nobody was on duty stays a callback in opening hours."""
    import re

    from sqlalchemy import select

    from hotline.reports.models import RolledDay
    from hotline.telephony.models import Call
    from tests.support.staff import add_staff, log_in
    from tests.support.times import berlin

    create_counsellor("Anna", on_duty=False)
    simulate_call(["-", "-", "1", "1", "1"])  # Thursday 10:00, nobody on duty: a callback
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday: closed
    simulate_call(["-", "-", "1", "1", "1"])  # the closed menu's callback
    engine = svc.database.engine
    migrate.downgrade(engine, "0011")
    with svc.database.transaction() as session:
        assert set(session.scalars(select(Call.outcome))) == {"callback_requested"}
    clock.set(berlin(2026, 12, 1, 10, 0))
    assert hotline("statistics", "rollup").exit_code == 0  # both days, as 0011 counted them

    migrate.upgrade(engine)

    with svc.database.transaction() as session:
        assert sorted(session.scalars(select(Call.outcome))) == [
            "callback_requested",
            "closed_callback_booked",
        ]
        assert session.scalars(select(RolledDay)).all() == []  # to be rolled up anew
    assert hotline("statistics", "rollup").exit_code == 0
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    page = client.get("/staff/stats?from=2026-11-26&to=2026-11-28").get_data(as_text=True)
    caption = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "2 Anrufe, davon 0 angenommen" in caption
    assert "1 außerhalb der Öffnungszeiten (1 mit Rückruf, 0 mit Termin" in caption
    assert "und 1 sonstige." in caption


def test_0013_runs_on_a_database_with_offers_and_callbacks(svc, factories, clock, create_case):
    """0013 on a database holding offers (two still open for one counsellor, from before one
    line) and a callback: the older open offer ends, so that the new index holds; a caller may
    be offered to the same counsellor again afterwards."""
    from sqlalchemy import select, text

    from hotline.routing.models import CallOffer

    anna = factories.counsellor("Anna")
    engine = svc.database.engine
    migrate.downgrade(engine, "0012")
    now = clock.now()
    with engine.begin() as connection:
        older, newer = (
            connection.execute(
                text(
                    "INSERT INTO call_offers (call_sid, counsellor_id, state, offered_at) "
                    "VALUES (:sid, :counsellor, 'ringing', :at) RETURNING id"
                ),
                {"sid": sid, "counsellor": anna.id, "at": now},
            ).scalar_one()
            for sid in ("CA" + "1" * 32, "CA" + "2" * 32)
        )
    migrate.upgrade(engine)
    with svc.database.transaction() as session:
        states = dict(session.execute(select(CallOffer.id, CallOffer.state)).all())
        assert states == {older: "ended", newer: "ringing"}
        session.add(  # the same caller and counsellor again: allowed now
            CallOffer(
                call_sid="CA" + "1" * 32, counsellor_id=anna.id, state="passed", offered_at=now
            )
        )
    migrate.downgrade(engine, "0012")  # and back: only the first offer of each pair is kept
    migrate.upgrade(engine)


def test_0014_keeps_each_stored_sentence_and_writes_sentences_back_on_a_downgrade(
    svc, clock, create_case
):
    """0014 on a database holding timeline entries stored as sentences (one emptied by the
    retention sweep): each keeps its sentence, shown as it was, the emptied one stays empty,
    and the column of sentences is gone. A downgrade writes every entry's sentence back,
    those written with parameters too, as the console shows them."""
    from sqlalchemy import select, text

    from hotline.cases.event_texts import LEGACY_TEXT
    from hotline.cases.events import CaseEvent, CaseEventKind, note_on_case
    from hotline.cases.timeline import timeline

    case = create_case()
    now = clock.now()
    engine = svc.database.engine
    migrate.downgrade(engine, "0013")
    stored = [
        ("callback_booked", "Rückruf gebucht für 30.11.2026, 09:00 Uhr"),
        ("status_changed", ""),  # anonymised
    ]
    with engine.begin() as connection:
        for kind, sentence in stored:
            connection.execute(
                text(
                    "INSERT INTO case_events (case_id, at, kind, text) "
                    "VALUES (:case, :at, :kind, :text)"
                ),
                {"case": case.id, "at": now, "kind": kind, "text": sentence},
            )

    migrate.upgrade(engine)

    assert "text" not in {c["name"] for c in inspect(engine).get_columns("case_events")}
    with svc.database.transaction() as session:
        params = session.scalars(select(CaseEvent.params).order_by(CaseEvent.id)).all()
        assert params == [{LEGACY_TEXT: "Rückruf gebucht für 30.11.2026, 09:00 Uhr"}, None]
        assert sorted(entry.text for entry in timeline(session, case.id)) == [
            "",
            "Rückruf gebucht für 30.11.2026, 09:00 Uhr",
        ]
        note_on_case(
            session,
            case.id,
            now,
            CaseEventKind.STATUS_CHANGED,
            {"old_status": "new", "new_status": "in_progress"},
        )

    migrate.downgrade(engine, "0013")
    with engine.connect() as connection:
        sentences = connection.execute(text("SELECT text FROM case_events ORDER BY id"))
        assert [row.text for row in sentences] == [
            "Rückruf gebucht für 30.11.2026, 09:00 Uhr",
            "",
            "Status: neu → in Bearbeitung",
        ]
    migrate.upgrade(engine)


def test_0015_keeps_each_stored_detail_and_reason_and_writes_them_back_on_a_downgrade(
    svc, clock, client, create_counsellor, hotline
):
    """0015 on a database holding audit entries with and without a detail and a counsellor
    taken off duty, all stored as sentences: each keeps its sentence, shown as it was (on the
    console's audit page and in `hotline counsellor list`), an entry without a detail stays
    without, and the columns of sentences are gone. A downgrade writes every sentence back,
    those written with parameters too, as the console shows them."""
    from sqlalchemy import select, text

    from hotline.audit.log import record
    from hotline.audit.models import AuditAction, AuditEntry, AuditMessage
    from hotline.counsellors.models import Counsellor, OffDutyReason
    from hotline.counsellors.wording import off_duty_params
    from hotline.staff.models import StaffRole
    from tests.support.staff import add_staff, log_in

    anna = create_counsellor("Anna", on_duty=False)
    jonas = create_counsellor("Jonas", on_duty=False)
    now = clock.now()
    engine = svc.database.engine
    migrate.downgrade(engine, "0014")
    reason = "3 angebotene Anrufe nacheinander nicht angenommen (26.11.2026, 09:30 Uhr)"
    with engine.begin() as connection:
        for action, detail in [("admin", "Konto 3 angelegt (admin)"), ("login", "")]:
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, staff_id, action, case_id, detail) "
                    "VALUES (:at, NULL, :action, NULL, :detail)"
                ),
                {"at": now, "action": action, "detail": detail},
            )
        connection.execute(
            text("UPDATE counsellors SET off_duty_reason = :reason WHERE id = :id"),
            {"reason": reason, "id": anna.id},
        )

    migrate.upgrade(engine)

    assert "detail" not in {c["name"] for c in inspect(engine).get_columns("audit_log")}
    columns = {c["name"] for c in inspect(engine).get_columns("counsellors")}
    assert "off_duty_reason" not in columns
    with svc.database.transaction() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.message, e.params) for e in entries] == [
            ("recorded", {"text": "Konto 3 angelegt (admin)"}),
            (None, None),
        ]
        assert [e.detail for e in entries] == ["Konto 3 angelegt (admin)", ""]
        assert session.get(Counsellor, anna.id).off_duty_reason == reason
        assert session.get(Counsellor, jonas.id).off_duty_reason is None
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    assert "Konto 3 angelegt (admin)" in client.get("/staff/admin/audit").get_data(as_text=True)
    assert reason in hotline("counsellor", "list").output

    with svc.database.transaction() as session:
        record(
            session,
            now,
            None,
            AuditAction.ADMIN,
            message=AuditMessage.OFFER_SAVED,
            params={"id": 7},
        )
        jonas_row = session.get(Counsellor, jonas.id)
        jonas_row.off_duty_code = OffDutyReason.MISSED_OFFERS
        jonas_row.off_duty_params = off_duty_params(
            OffDutyReason.MISSED_OFFERS, {"passes": 1, "at": "2026-11-26T10:00:00+01:00"}
        )

    migrate.downgrade(engine, "0014")
    with engine.connect() as connection:
        details = connection.execute(text("SELECT detail FROM audit_log ORDER BY id"))
        assert [row.detail for row in details] == [
            "Konto 3 angelegt (admin)",
            "",
            "",  # the login of the admin above: the action says it all
            "Angebot 7 gespeichert",
        ]
        reasons = connection.execute(text("SELECT off_duty_reason FROM counsellors ORDER BY id"))
        assert [row.off_duty_reason for row in reasons] == [
            reason,
            "1 angebotener Anruf nacheinander nicht angenommen (26.11.2026, 10:00 Uhr)",
        ]
    migrate.upgrade(engine)


def test_0016_adds_the_no_show_mark_to_appointments_already_booked(svc, client, clock, factories):
    from sqlalchemy import select

    from hotline.appointments.models import Appointment
    from tests.support.appointments import book

    factories.counsellor("Anna")
    assert book(client, "2026-11-26T14:00:00+01:00").status_code == 201
    with svc.database.transaction() as session:
        session.scalars(select(Appointment)).one().no_show_at = clock.now()
    engine = svc.database.engine
    migrate.downgrade(engine, "0015")
    assert "no_show_at" not in {c["name"] for c in inspect(engine).get_columns("appointments")}
    migrate.upgrade(engine)
    with svc.database.transaction() as session:
        (kept,) = session.scalars(select(Appointment)).all()
        assert kept.no_show_at is None and kept.start.hour == 13  # 14:00 in Berlin, in UTC


def test_0017_keeps_appointments_video_and_a_downgrade_still_calls_phone_ones(
    svc, client, factories
):
    """0017 on a database holding a video appointment: it stays one, with its room. On a
    downgrade below 0017 a phone appointment becomes the video appointment the older code
    knows (a room of its own, nobody mailed) and its call stays a callback for the same time
    with the number, so the older scheduler still calls the official."""
    from sqlalchemy import select, text

    from hotline.appointments.models import Appointment

    factories.counsellor("Anna")
    common = {"name": "X", "consent": True}
    video = client.post(
        "/api/v1/appointments",
        json={"type": "video", "start": "2026-11-26T12:00:00+01:00", "email": "x@example.org"}
        | common,
    )
    phone = client.post(
        "/api/v1/appointments",
        json={"type": "phone", "start": "2026-11-26T13:00:00+01:00", "phone": "0151 23456789"}
        | common,
    )
    assert video.status_code == phone.status_code == 201, (video.json, phone.json)
    with svc.database.transaction() as session:
        rooms = dict(session.execute(select(Appointment.id, Appointment.room)).all())
    video_id, phone_id = sorted(rooms)
    assert rooms[video_id] is not None and rooms[phone_id] is None
    engine = svc.database.engine

    migrate.downgrade(engine, "0016")

    assert "kind" not in {c["name"] for c in inspect(engine).get_columns("appointments")}
    assert "appointment_id" not in {c["name"] for c in inspect(engine).get_columns("callbacks")}
    with engine.connect() as connection:
        kept = dict(connection.execute(text("SELECT id, room FROM appointments")).all())
        assert kept[video_id] == rooms[video_id] and len(kept[phone_id]) == 32
        (call,) = connection.execute(
            text("SELECT state, slot_start, seat, number_encrypted FROM callbacks")
        ).all()
        assert call.state == "booked" and call.seat is None and call.number_encrypted

    migrate.upgrade(engine)

    with svc.database.transaction() as session:
        kinds = dict(session.execute(select(Appointment.id, Appointment.kind)).all())
        assert kinds == {video_id: "video", phone_id: "video"}  # what the downgrade made it
        assert session.get(Appointment, video_id).room == rooms[video_id]


def test_0018_gives_appointments_already_booked_the_german_language(svc, client, factories):
    """Every appointment booked before 0018 was booked in German; a downgrade drops the
    language and keeps the appointment."""
    from sqlalchemy import select

    from hotline.appointments.models import Appointment
    from tests.support.appointments import book

    factories.counsellor("Anna")
    assert book(client, "2026-11-26T14:00:00+01:00").status_code == 201
    with svc.database.transaction() as session:
        session.scalars(select(Appointment)).one().language = "en"
    engine = svc.database.engine
    migrate.downgrade(engine, "0017")
    assert "language" not in {c["name"] for c in inspect(engine).get_columns("appointments")}
    migrate.upgrade(engine)
    with svc.database.transaction() as session:
        (kept,) = session.scalars(select(Appointment)).all()
        assert kept.language == "de" and kept.start.hour == 13


def test_0019_runs_on_a_database_with_calls_and_an_erasure_and_back(svc, clock, create_case):
    """0019 on a database holding calls: kept, not yet asked of Twilio. A downgrade drops the
    erasures' records and the two columns and keeps the rest; upgrading again marks the calls
    an erasure made anonymous as asked for (their SIDs were never Twilio's)."""
    from sqlalchemy import select

    from hotline.cases.models import Case
    from hotline.retention.erasure import request_erasure
    from hotline.retention.models import CaseErasure
    from hotline.staff.models import StaffRole
    from hotline.telephony.models import Call
    from tests.support.staff import add_staff

    admin = add_staff(svc, clock, "admin@example.org", StaffRole.ADMIN)
    case = create_case()
    with svc.database.transaction() as session:
        for sid in ("CA" + "1" * 32, "erased-" + "2" * 32):
            session.add(
                Call(
                    call_sid=sid,
                    direction="inbound",
                    status="completed",
                    started_at=clock.now(),
                    case_id=case.id,
                )
            )
        request_erasure(session, clock.now(), session.get_one(Case, case.id), admin, "Antrag")
    engine = svc.database.engine
    migrate.downgrade(engine, "0018")
    assert "case_erasures" not in inspect(engine).get_table_names()
    assert "erased_at" not in {c["name"] for c in inspect(engine).get_columns("cases")}
    assert "twilio_deletion_at" not in {c["name"] for c in inspect(engine).get_columns("calls")}
    migrate.upgrade(engine)
    with svc.database.transaction() as session:
        asked = dict(session.execute(select(Call.call_sid, Call.twilio_deletion_at)).all())
        assert asked == {"CA" + "1" * 32: None, "erased-" + "2" * 32: clock.now()}
        assert session.scalars(select(CaseErasure)).all() == []
        assert session.get_one(Case, case.id).erased_at is None


def test_0020_adds_the_protection_to_a_database_holding_calls_and_a_downgrade_keeps_them(
    svc, twilio, hotline, create_counsellor
):
    """0020 on a database with calls and bookings: they stay, without hashes (they count for
    nobody's limit). A downgrade drops blocks, flood mode and hashes; a refused call becomes
    a call that ended before routing, as the older code knows it."""
    from sqlalchemy import text

    from tests.support.protection import Caller, call_row

    create_counsellor("Anna")
    caller = Caller(twilio)
    first = caller.calls_through("+4915123456789")
    hotline("block", "add", "--call", first.sid, "--reason", "x")
    refused = caller.calls_through("+4915123456789")
    assert call_row(svc, refused.sid).outcome == "blocked"
    engine = svc.database.engine

    migrate.downgrade(engine, "0019")

    tables = set(inspect(engine).get_table_names())
    assert not {"caller_blocks", "line_protection", "call_challenges"} & tables
    assert "caller_hash" not in {c["name"] for c in inspect(engine).get_columns("calls")}
    with engine.connect() as connection:
        outcomes = dict(connection.execute(text("SELECT call_sid, outcome FROM calls")).all())
    assert outcomes[refused.sid] == "ended_in_intake" and len(outcomes) == 2

    migrate.upgrade(engine)

    assert call_row(svc, first.sid).caller_hash is None  # from before: no hash
    assert caller.calls_through("+4915123456789").queued  # the block went with the downgrade
    assert "eingetragen" in hotline("block", "add", "--call", first.sid, "--reason", "y").output


def test_0021_indexes_the_line_on_a_database_holding_calls_and_the_line_reads_by_them(
    svc, twilio, create_counsellor
):
    """0021 adds indexes only: calls stay as they are either way, and on SQLite the line's
    question (who waits) is answered from the partial index, not by reading every call."""
    from sqlalchemy import func, select, text

    from hotline.routing.line import _CALLS, waiting_callers
    from hotline.telephony.models import Call
    from tests.support.protection import Caller

    create_counsellor("Anna")
    waiting = Caller(twilio).calls_through("+4915123456789")
    assert waiting.queued
    engine = svc.database.engine
    added = {
        "ix_calls_waiting",
        "ix_calls_talking",
        "ix_calls_day_outcome",
        "ix_calls_queued_started",
    }

    migrate.downgrade(engine, "0020")
    assert not added & {index["name"] for index in inspect(engine).get_indexes("calls")}
    migrate.upgrade(engine)

    assert added <= {index["name"] for index in inspect(engine).get_indexes("calls")}
    with svc.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 1
        line = session.scalars(select(_CALLS.c.call_sid).where(*waiting_callers())).all()
        assert line == [waiting.sid]
        if engine.dialect.name == "sqlite":
            query = select(_CALLS.c.call_sid).where(*waiting_callers())
            compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
            plan = " ".join(
                str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
            assert "ix_calls_waiting" in plan, plan
