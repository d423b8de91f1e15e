"""What operators see of the scheduler: /healthz figures, `hotline work list|retry`."""

from __future__ import annotations

from datetime import timedelta

from scheduling.outbox import side_effects
from scheduling.scheduler import nodes


def test_healthz_reports_the_schedulers_heartbeat_and_overdue_work(client, svc, clock, factories):
    nodes.register(svc.database, "host:1:abcd", clock.now())
    nodes.heartbeat(svc.database, "host:1:abcd", clock.now(), active=True)
    factories.queued(side_effects.end_call("end:1", call_sid="CA" + "1" * 32, due_at=clock.now()))
    clock.advance(timedelta(minutes=5))
    answer = client.get("/healthz")
    assert answer.status_code == 200  # the web node is healthy; monitoring alerts on these
    assert answer.get_json()["scheduler"] == {
        "heartbeat_age_seconds": 300,
        "oldest_overdue_work_seconds": 300,
    }


def test_dead_work_is_listed_without_personal_data_and_can_be_retried(
    hotline, clock, factories, dispatcher, fake_twilio
):
    fake_twilio.fail_next(400)
    item = factories.queued(
        side_effects.place_call(
            "callback:7:attempt:1", to="+4922812345678", answer_path="whisper", due_at=clock.now()
        )
    )
    dispatcher.dispatch_due()
    listing = hotline("work", "list", "--state", "dead")
    assert listing.exit_code == 0, listing.output
    assert f"{item.id}   place_call  dead" in listing.output
    assert "callback:7:attempt:1" in listing.output and "Twilio answered 400" in listing.output
    assert "12345678" not in listing.output
    assert "keine Arbeit im Zustand pending" in hotline("work", "list", "--state", "pending").output

    retried = hotline("work", "retry", str(item.id))
    assert retried.exit_code == 0 and "requeued" in retried.output
    assert factories.work_item(item.id).state == "pending"
    again = hotline("work", "retry", str(item.id))
    assert again.exit_code == 1 and "not dead or failed" in again.output
