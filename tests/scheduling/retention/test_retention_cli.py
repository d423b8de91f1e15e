"""`hotline retention run`: an operator applies the retention periods now and sees how much
went, as counts; a mistaken `[retention]` section is refused with the key to fix."""

from __future__ import annotations

from hotline.callbacks.models import CallbackState
from scheduling.retention.sweep import RetentionCounts
from tests.support.twilio import CALLER


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
