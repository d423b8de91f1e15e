"""Outgoing e-mail: one mailer interface, sent by SMTP or printed to the console."""

from hotline.mail.mailer import (
    ConsoleMailer,
    Mailer,
    MailError,
    SmtpMailer,
    SmtpSettings,
    make_mailer,
    parse_smtp_url,
    work_message_id,
)

__all__ = [
    "ConsoleMailer",
    "MailError",
    "Mailer",
    "SmtpMailer",
    "SmtpSettings",
    "make_mailer",
    "parse_smtp_url",
    "work_message_id",
]
