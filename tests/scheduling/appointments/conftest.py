"""The scheduler's dispatcher sending mail to the local SMTP server, for the mail and
reminder tests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hotline.mail.mailer import SmtpMailer
from scheduling.outbox.kind_table import build_work_kinds
from scheduling.scheduler.dispatcher import Dispatcher


@pytest.fixture
def smtp_dispatcher(work_tools, scheduler_config, smtp):
    """In-process dispatcher (the test clock) whose mailer talks to `smtp`."""
    tools = replace(work_tools, mailer=SmtpMailer(smtp.url, timeout=2))
    dispatcher = Dispatcher(build_work_kinds(), tools, scheduler_config, "smtp-test")
    yield dispatcher
    dispatcher.close()
