"""Mail is sent at least once (README, "The scheduler process and its outbox"): a scheduler
killed between the mail server's acceptance and the settle sends it again after the lease,
with the same Message-ID; the settle follows the acceptance at once, so that window stays as
small as it can be, and nothing the server does after accepting makes a second copy."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest

from hotline.mail.mailer import SmtpMailer
from hotline.outbox import side_effects
from hotline.outbox.kinds import WorkKind, WorkKinds
from hotline.outbox.models import WorkState
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.kind_table import build_work_kinds


class ProcessDied(BaseException):
    """Stands in for `kill -9` right after the mail server said 250: nothing after it runs."""


def dying_after(kind: WorkKind) -> WorkKind:
    def handler(item, tools):
        kind.handler(item, tools)
        raise ProcessDied

    return WorkKind(kind.name, handler)


def invitation(clock):
    return side_effects.send_mail(
        "invitation:7:1",
        to=["anna.berger@example.org"],
        subject="Ihr Termin bei der starken Stelle",
        text="Guten Tag,\nIhr Video-Termin ist bestätigt.",
        due_at=clock.now(),
    )


def test_a_mail_left_running_by_a_killed_scheduler_goes_again_with_the_same_message_id(
    clock, factories, work_tools, scheduler_config, smtp, smtp_dispatcher
):
    send_mail = build_work_kinds().find("send_mail")
    tools = replace(work_tools, mailer=SmtpMailer(smtp.url, timeout=2))
    doomed = Dispatcher(WorkKinds([dying_after(send_mail)]), tools, scheduler_config, "doomed")
    item = factories.queued(invitation(clock))
    with pytest.raises(ProcessDied):
        doomed.dispatch_due()
    assert factories.work_item(item.id).state == WorkState.RUNNING
    (first,) = smtp.received

    clock.advance(timedelta(seconds=scheduler_config.lease_seconds - 1))
    assert smtp_dispatcher.recover().requeued == 0  # the lease is not over yet
    clock.advance(timedelta(seconds=2))
    assert smtp_dispatcher.recover().requeued == 1
    (outcome,) = smtp_dispatcher.dispatch_due()

    assert outcome.state == WorkState.DONE
    first_copy, second_copy = smtp.received
    assert first_copy is first
    message_id = first.message["Message-ID"]
    assert message_id.startswith(f"<work-{item.id}.")
    assert second_copy.message["Message-ID"] == message_id  # receivers may drop the copy
    assert factories.work_item(item.id).reference == message_id


@pytest.mark.parametrize(
    "after,reply",
    [(3.0, "221 Bye"), (0.0, "421 4.3.2 System shutting down"), (0.0, "250 OK")],
    ids=["slow", "421", "odd"],
)
def test_a_mail_the_server_took_is_settled_at_once_whatever_its_goodbye(
    clock, factories, smtp, smtp_dispatcher, after, reply
):
    """The server accepts the mail, then answers QUIT late (after the mailer's 2 s timeout)
    or oddly. The settle must not wait for that goodbye, nor count it as a failure: a failed
    attempt is retried, and the mail would go out twice without any crash."""
    smtp.goodbye(after=after, reply=reply)
    item = factories.queued(invitation(clock))
    started = time.monotonic()
    (outcome,) = smtp_dispatcher.dispatch_due()
    took = time.monotonic() - started

    assert outcome.state == WorkState.DONE
    assert took < 1.0, f"settled {took:.2f} s after the send began"
    (mail,) = smtp.received
    assert factories.work_item(item.id).reference == mail.message["Message-ID"]
    clock.advance(timedelta(hours=1))
    assert smtp_dispatcher.recover().requeued == 0
    assert smtp_dispatcher.dispatch_due() == []
    assert len(smtp.received) == 1
