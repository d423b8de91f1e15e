"""SMTP: the server reachable and accepting the configured sender, through the mailer's own
session (TLS and login as SMTP_URL says); MAIL FROM, then RSET: no mail is sent."""

from __future__ import annotations

from hotline.config import Settings
from hotline.doctor.findings import Finding, failed, ok, skipped
from hotline.mail.mailer import SenderCheckFailed, SmtpMailer
from hotline.texts import text


def smtp_finding(settings: Settings, *, timeout: float) -> Finding:
    if not settings.smtp_url:
        if settings.is_production:
            return failed("smtp", text("doctor.smtp.unset"), text("doctor.smtp.set_url"))
        return skipped("smtp", text("doctor.smtp.console"))
    try:
        mailer = SmtpMailer(settings.smtp_url, timeout=timeout)
    except ValueError as error:  # its message never repeats the URL (a password)
        return failed("smtp", text("doctor.smtp.bad_url", error=error), text("doctor.smtp.set_url"))
    where = f"{mailer.settings.host}:{mailer.settings.port}"
    try:
        mailer.check_sender(settings.mail_from)
    except SenderCheckFailed as error:
        return failed(
            "smtp",
            text(f"doctor.smtp.{error.step}_failed", where=where, error=error),
            text(f"doctor.smtp.{error.step}_remedy"),
        )
    return ok(
        "smtp",
        text("doctor.smtp.accepted", where=where, security=mailer.settings.security),
    )
