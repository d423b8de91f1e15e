"""`hotline retention run`: the retention sweep once, now, as the scheduler runs it hourly.

For an operator who has shortened a period and wants it applied at once, or who runs no
scheduler for a while; it prints what was deleted as counts, never the rows.
"""

from __future__ import annotations

import click

from hotline.cli.support import cli_context, echo_table
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


@click.group(help="Retention: deleting personal data once its period is over.")
def retention() -> None:
    """Subcommands: run."""


@retention.command(
    "run",
    help="Delete now what is due: numbers and addresses after [retention] contact_days, "
    "closed cases anonymised after closed_case_days, the webhook log after webhook_log_days.",
)
def retention_run() -> None:
    svc, scheduling = cli_context()
    config = scheduling.retention
    counts = sweep(svc.database, svc.clock.now(), config)
    click.echo(
        f"Aufbewahrung: Kontaktdaten {config.contact_days} Tage, geschlossene Fälle "
        f"{config.closed_case_days} Tage, Webhook-Protokoll {config.webhook_log_days} Tage"
    )
    echo_table(("was", "Anzahl"), _rows(counts))


def _rows(counts: RetentionCounts) -> list[tuple[str, str]]:
    return [(LABELS[key], str(count)) for key, count in counts.as_fields().items()]
