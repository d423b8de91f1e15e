"""`hotline retention run`: an operator applies the retention periods now and sees how much
went, as counts; a mistaken `[retention]` section is refused with the key to fix."""

from __future__ import annotations

from datetime import timedelta

from hotline.callbacks.models import CallbackState
from hotline.outbox.models import WorkItem, WorkState
from hotline.telephony.models import Call
from scheduling.retention.sweep import RetentionCounts
from tests.support.twilio import CALLER

TWILIO_LABEL = "Einträge bei Twilio (Anrufe, SMS) zur Löschung angefragt"


def test_the_command_deletes_what_is_due_and_prints_counts(hotline, rows):
    rows.call(started=rows.days_ago(31), ended=rows.days_ago(31))
    rows.call(started=rows.days_ago(29), ended=rows.days_ago(29))
    rows.callback(CallbackState.CANCELED, updated=rows.days_ago(40))
    rows.webhook_event(received=rows.days_ago(31))
    rows.webhook_event(received=rows.days_ago(31))

    result = hotline("retention", "run")

    assert result.exit_code == 0, result.output
    assert "Kontaktdaten 30 Tage, geschlossene Fälle 365 Tage" in result.output
    counts = dict(_counts(result.output))
    assert counts["Rufnummern von Anrufen gelöscht"] == 1
    assert counts["Rufnummern von Rückrufen gelöscht"] == 1
    assert counts["Twilio-Zustellungen gelöscht"] == 2
    assert counts["geschlossene Fälle anonymisiert"] == 0
    assert len(counts) == len(RetentionCounts().as_fields())
    assert CALLER not in result.output

    again = hotline("retention", "run")
    assert all(count == 0 for _, count in _counts(again.output))


def test_twilio_is_asked_to_delete_its_records_once_their_contact_period_is_over(
    hotline, rows, dispatcher, fake_twilio, clock
):
    """Calls and SMS over for more than `contact_days`: one DELETE each at Twilio, sent by
    the scheduler and retried after a 5xx; younger ones are left; a second run asks nothing
    again."""
    old = rows.call(started=rows.days_ago(31), ended=rows.days_ago(31))
    young = rows.call(started=rows.days_ago(29), ended=rows.days_ago(29))
    sms = rows.work_item(WorkState.DONE, finished=rows.days_ago(31))
    recent_sms = rows.work_item(WorkState.DONE, finished=rows.days_ago(29))
    with rows.svc.database.transaction() as session:
        for work_id, sid in ((sms, "SM" + "1" * 32), (recent_sms, "SM" + "2" * 32)):
            session.get_one(WorkItem, work_id).reference = sid

    result = hotline("retention", "run")

    assert dict(_counts(result.output))[TWILIO_LABEL] == 2
    fake_twilio.fail_next(503)
    dispatcher.dispatch_until_idle()
    clock.advance(timedelta(minutes=1))
    dispatcher.dispatch_until_idle()
    old_sid = rows.get(Call, old).call_sid
    assert fake_twilio.deleted_records("Calls") == [old_sid, old_sid]  # after the 503
    assert fake_twilio.deleted_records("Messages") == ["SM" + "1" * 32]
    assert rows.get(Call, young).twilio_deletion_at is None
    assert rows.get(WorkItem, sms).reference is None  # the SID is kept nowhere
    assert rows.get(WorkItem, recent_sms).reference == "SM" + "2" * 32
    again = hotline("retention", "run")
    assert dict(_counts(again.output))[TWILIO_LABEL] == 0


def test_a_mistaken_section_is_refused_with_the_key(hotline, tmp_path):
    config = tmp_path / "hotline.toml"
    config.write_text("[retention]\ncontact_days = 0\n")
    result = hotline("retention", "run", HOTLINE_CONFIG=str(config))
    assert result.exit_code == 1
    assert "retention.contact_days: a whole number of days >= 1" in result.output


def _counts(output: str) -> list[tuple[str, int]]:
    """The table's rows: a label, two spaces or more, a number."""
    found = []
    for line in output.splitlines():
        label, _, number = line.rstrip().rpartition("  ")
        if number.strip().isdigit():
            found.append((label.strip(), int(number)))
    return found
