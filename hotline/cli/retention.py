"""`hotline retention run`: the retention sweep once, now, as the scheduler runs it hourly.

For an operator who has shortened a period and wants it applied at once, or who runs no
scheduler for a while; it prints what was deleted as counts, never the rows.
"""

from __future__ import annotations

import click

from hotline.cli.support import cli_context, echo_table
from hotline.plurals import counted
from scheduling.retention.sweep import RetentionCounts, sweep

LABELS = {
    "call_numbers": "Rufnummern von Anrufen gelöscht",
    "callback_numbers": "Rufnummern von Rückrufen gelöscht",
    "appointment_contacts": "Kontaktdaten von Terminen gelöscht",
    "work_payloads": "Inhalte aufgegebener Arbeit gelöscht",
    "cases_anonymised": "geschlossene Fälle anonymisiert",
    "case_event_texts": "Texte im Fallverlauf gelöscht",
    "referral_outcomes": "Ergebnisse von Nachfragen gelöscht",
    "webhook_events": "Twilio-Zustellungen gelöscht",
    "staff_sessions": "beendete Konsolen-Sitzungen gelöscht",
    "login_failures": "alte Fehlversuche beim Anmelden gelöscht",
}


@click.group(help="Aufbewahrung: persönliche Daten löschen, sobald ihre Frist vorbei ist.")
def retention() -> None:
    """Unterbefehle: run."""


@retention.command(
    "run",
    help="Jetzt löschen, was fällig ist: Nummern und Adressen nach [retention] contact_days, "
    "geschlossene Fälle anonymisiert nach closed_case_days, das Webhook-Protokoll nach "
    "webhook_log_days.",
)
def retention_run() -> None:
    svc, scheduling = cli_context()
    config = scheduling.retention
    counts = sweep(svc.database, svc.clock.now(), config)
    click.echo(
        f"Aufbewahrung: Kontaktdaten {counted(config.contact_days, 'Tag')}, geschlossene Fälle "
        f"{counted(config.closed_case_days, 'Tag')}, Webhook-Protokoll "
        f"{counted(config.webhook_log_days, 'Tag')}"
    )
    echo_table(("Was", "Anzahl"), _rows(counts))


def _rows(counts: RetentionCounts) -> list[tuple[str, str]]:
    return [(LABELS[key], str(count)) for key, count in counts.as_fields().items()]
