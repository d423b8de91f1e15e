"""The mailer: what arrives at a real (local) SMTP server, how failures are told apart, what the
console shows, and which SMTP_URL forms are understood."""

from __future__ import annotations

import re
import smtplib
import socket
import time
from email.message import EmailMessage

import pytest

from hotline.app import work_tools as app_work_tools
from hotline.mail import (
    ConsoleMailer,
    MailError,
    SmtpMailer,
    SmtpSettings,
    make_mailer,
    parse_smtp_url,
    work_message_id,
)
from hotline.mail.mailer import classify
from hotline.scheduler.config import SchedulerConfig
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.kind_table import build_work_kinds
from tests.support.appointments import book, free_slots
from tests.support.smtp_server import LocalSmtpServer

SENDER = "starke Stelle <info@starkestelle.de>"
RECIPIENT = "anna.amtstraeger@example.org"
BODY = (
    "Guten Tag,\n\nhiermit erhalten Sie die Bestätigung Ihres Gesprächstermins am Donnerstag, "
    "26. November, um 10:00 Uhr.\n\nMit freundlichen Grüßen\nstarke Stelle\n"
)


def confirmation(message_id: str | None = None, to: str = RECIPIENT) -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = "Bestätigung Ihres Termins"
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(BODY)
    return message


# --- sending --------------------------------------------------------------------------------
def test_a_german_confirmation_arrives_intact_with_its_message_id(smtp):
    message_id = work_message_id(7, "appointment-42-confirmation", SENDER)

    sent = SmtpMailer(smtp.url).send(confirmation(message_id))

    assert sent == message_id
    [mail] = smtp.received
    assert mail.sender == "info@starkestelle.de"
    assert mail.recipients == [RECIPIENT]
    assert mail.message["Message-ID"] == message_id
    assert mail.message["Subject"] == "Bestätigung Ihres Termins"
    assert mail.message.get_content() == BODY


def test_a_mail_without_message_id_gets_one_and_it_is_the_one_returned(smtp):
    sent = SmtpMailer(smtp.url).send(confirmation())

    [mail] = smtp.received
    assert mail.message["Message-ID"] == sent
    assert sent.startswith("<") and sent.endswith("@starkestelle.de>")


def test_credentials_from_the_url_log_in_percent_decoded():
    with LocalSmtpServer(logins={"hotline": "pa@ss"}) as server:
        SmtpMailer(f"smtp://hotline:pa%40ss@127.0.0.1:{server.port}").send(confirmation())

        assert len(server.received) == 1


def test_a_wrong_password_is_a_permanent_failure_that_does_not_repeat_it():
    with LocalSmtpServer(logins={"hotline": "richtig"}) as server:
        mailer = SmtpMailer(f"smtp://hotline:falsch-geheim@127.0.0.1:{server.port}")

        with pytest.raises(MailError) as raised:
            mailer.send(confirmation())

    assert raised.value.transient is False
    assert "535" in str(raised.value) and "falsch-geheim" not in str(raised.value)


# --- work item ids --------------------------------------------------------------------------
def test_a_work_item_keeps_its_message_id_across_retries():
    first = work_message_id(7, "appointment-42-confirmation", SENDER)

    assert first == work_message_id(7, "appointment-42-confirmation", SENDER)
    assert first.startswith("<work-7.") and first.endswith("@starkestelle.de>")
    assert first != work_message_id(8, "appointment-42-confirmation", SENDER)
    assert first != work_message_id(7, "appointment-42-reminder", SENDER)


def test_the_message_id_domain_comes_from_the_sender():
    assert work_message_id(1, "k", "Team <team@Beispiel.de>").endswith("@beispiel.de>")
    assert work_message_id(1, "k", "").endswith("@starkestelle.de>")


# --- failures -------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", ["mail", "rcpt", "data"])
@pytest.mark.parametrize(("code", "transient"), [(451, True), (550, False)])
def test_a_refusal_says_whether_a_retry_may_help(smtp, stage, code, transient):
    smtp.fail_next(1, code, stage=stage)
    mailer = SmtpMailer(smtp.url)

    with pytest.raises(MailError) as raised:
        mailer.send(confirmation())

    assert raised.value.transient is transient
    assert str(code) in str(raised.value)
    assert "@" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert smtp.received == []
    mailer.send(confirmation())  # the next attempt is accepted again
    assert len(smtp.received) == 1


def test_refused_recipients_are_permanent_only_when_every_refusal_is():
    mixed = smtplib.SMTPRecipientsRefused({"a@x.de": (550, b"no"), "b@x.de": (451, b"later")})
    final = smtplib.SMTPRecipientsRefused({"a@x.de": (550, b"no"), "b@x.de": (553, b"no")})

    assert classify(mixed).transient is True
    assert classify(final).transient is False
    assert "@" not in str(classify(mixed)) + str(classify(final))


def test_a_server_nobody_runs_is_a_quick_transient_failure():
    with socket.socket() as reserved:  # bound but not listening: connections are refused
        reserved.bind(("127.0.0.1", 0))
        mailer = SmtpMailer(f"smtp://127.0.0.1:{reserved.getsockname()[1]}", timeout=0.5)
        started = time.monotonic()

        with pytest.raises(MailError) as raised:
            mailer.send(confirmation())

    assert raised.value.transient is True
    assert time.monotonic() - started < 2


def test_a_server_that_never_greets_times_out_as_a_transient_failure():
    with socket.create_server(("127.0.0.1", 0)) as silent:
        mailer = SmtpMailer(f"smtp://127.0.0.1:{silent.getsockname()[1]}", timeout=0.3)

        with pytest.raises(MailError) as raised:
            mailer.send(confirmation())

    assert raised.value.transient is True


# --- console --------------------------------------------------------------------------------
def test_in_development_each_mail_is_printed_whole_in_a_block_of_its_own(
    app, client, clock, create_counsellor, capsys
):
    """Without SMTP_URL outside production, the mails the scheduler sends are printed: the
    headers, the text and the invitation's summary, each mail between its own two lines, so
    that two mails sent at once by the scheduler's threads never run together."""
    create_counsellor("Anna", email="anna@beratung.example.org")
    booked = book(client, free_slots(client)[0]["start"]).json
    tools = app_work_tools(app, clock=clock)  # the app's own mailer, as configured
    dispatcher = Dispatcher(build_work_kinds(), tools, SchedulerConfig(workers=2), "console")
    try:
        dispatcher.dispatch_until_idle()
    finally:
        dispatcher.close()

    printed = capsys.readouterr().out
    blocks = re.findall(
        r"^═+ E-Mail \(nicht gesendet\) ═+\n(.*?)^═+ Ende der E-Mail ═+$", printed, re.S | re.M
    )
    assert len(blocks) == 2, printed
    assert printed.count("E-Mail (nicht gesendet)") == 2  # nothing outside the blocks
    official, counsellor = sorted(blocks, key=lambda block: "An: amt@example.org" not in block)
    for block in (official, counsellor):
        assert "Von: starke Stelle <info@starkestelle.de>\n" in block
        assert "Betreff: Videotermin bestätigt: 26.11.2026, 12:00 Uhr\n" in block
        assert "Message-ID: <work-" in block
        assert "Donnerstag, 26. November 2026, 12:00 Uhr" in block  # the text
        assert re.search(
            r"^Kalender \(REQUEST\): .+ · 26\.11\.2026 12:00–12:45 · https://", block, re.M
        )
        assert "Anhang: termin.ics (text/calendar)" in block
    assert "An: amt@example.org\n" in official and booked["manage_url"] in official
    assert "An: anna@beratung.example.org\n" in counsellor


def test_in_production_the_console_shows_masked_recipients_never_the_addresses():
    lines: list[str] = []
    message = confirmation(to="Anna Amtsträger <anna@example.org>, bernd@rathaus.de")
    message["Cc"] = "carla@kreis.de"

    sent = ConsoleMailer(lines.append, whole=False).send(message)

    [line] = lines
    assert line == (
        "[console] E-Mail an a•••@example.org, b•••@rathaus.de, c•••@kreis.de: "
        f"Bestätigung Ihres Termins ({sent})"
    )
    assert sent == message["Message-ID"]
    for address in ("anna@example.org", "bernd@rathaus.de", "carla@kreis.de", "Amtsträger"):
        assert address not in line


def test_without_smtp_url_mail_goes_to_the_console(smtp):
    lines: list[str] = []

    assert isinstance(make_mailer(None, lines.append), ConsoleMailer)
    assert isinstance(make_mailer("", lines.append), ConsoleMailer)
    assert isinstance(make_mailer(smtp.url), SmtpMailer)
    make_mailer(None, lines.append).send(confirmation())
    assert len(lines) == 1 and smtp.received == []


# --- SMTP_URL -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", SmtpSettings("mail.example.org", 25, "plain")),
        ("smtp://mail.example.org:2525", SmtpSettings("mail.example.org", 2525, "plain")),
        ("smtp+starttls://mail.example.org", SmtpSettings("mail.example.org", 587, "starttls")),
        ("smtp+tls://mail.example.org", SmtpSettings("mail.example.org", 587, "starttls")),
        ("smtps://mail.example.org", SmtpSettings("mail.example.org", 465, "tls")),
        ("smtp+ssl://mail.example.org:1465", SmtpSettings("mail.example.org", 1465, "tls")),
        (
            "smtp://user:pa%40ss@mail.example.org:587",
            SmtpSettings("mail.example.org", 587, "plain", "user", "pa@ss"),
        ),
        (
            "SMTP+STARTTLS://hotline%40starkestelle.de:g%3Aheim%2F1@mail.example.org/",
            SmtpSettings(
                "mail.example.org", 587, "starttls", "hotline@starkestelle.de", "g:heim/1"
            ),
        ),
    ],
)
def test_every_documented_smtp_url_form_is_understood(url, expected):
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://x",
        "smtp://",
        "smtp://user:geheim@",
        "smtp://user:geheim@host:port",
        "smtp://user:geheim@host/path",
        "mail.example.org",
        "",
    ],
)
def test_a_wrong_smtp_url_is_refused_clearly_without_the_password(url):
    with pytest.raises(ValueError) as raised:
        parse_smtp_url(url)

    assert "smtp+starttls://" in str(raised.value)
    assert "geheim" not in str(raised.value)


def test_the_password_stays_out_of_the_settings_repr():
    settings = parse_smtp_url("smtps://user:geheim@mail.example.org")

    assert "geheim" not in repr(settings)
