"""Absences and overrides set from the command line end within a sane time: an absence at
most two years ahead, an override at most a year ahead (a typo like 9999 must not close the
line or take a counsellor away for good). The test clock stands at Thursday 26.11.2026, 10:00."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("last", ["9999-12-31", "2028-11-27"])
def test_an_absence_ends_at_most_two_years_ahead(hotline, create_counsellor, last):
    create_counsellor("Mia")
    result = hotline("counsellor", "absent", "Mia", "--from", "2026-12-01", "--to", last)
    assert result.exit_code == 2
    assert "zwei Jahre" in result.output and "26.11.2028" in result.output
    assert "abwesend" not in hotline("counsellor", "availability", "Mia").output


@pytest.mark.parametrize("first", ["0001-01-01", "1999-12-31"])
def test_an_absence_from_a_far_year_is_refused(hotline, create_counsellor, first):
    create_counsellor("Mia")
    result = hotline("counsellor", "absent", "Mia", "--from", first, "--to", "2026-12-01")
    assert result.exit_code == 2 and "--from" in result.output


def test_an_absence_up_to_two_years_ahead_is_noted(hotline, create_counsellor):
    create_counsellor("Mia")
    result = hotline("counsellor", "absent", "Mia", "--from", "2028-11-20", "--to", "2028-11-26")
    assert result.exit_code == 0, result.output
    assert "abwesend 20.11.2028–26.11.2028" in hotline("counsellor", "availability", "Mia").output


@pytest.mark.parametrize("until", ["9999-12-31 10:00", "2027-11-26 10:01"])
def test_an_override_ends_at_most_a_year_ahead(hotline, until):
    result = hotline("hours", "set", "closed", "--until", until, "--note", "Umzug")
    assert result.exit_code == 2
    assert "ein Jahr" in result.output and "26.11.2027" in result.output
    assert "Ausnahme" not in hotline("hours").output


def test_an_override_until_a_year_ahead_is_set(hotline):
    result = hotline("hours", "set", "closed", "--until", "2027-11-26 10:00", "--note", "Umzug")
    assert result.exit_code == 0, result.output
    assert "GESCHLOSSEN (Ausnahme: Umzug)" in hotline("hours").output


@pytest.mark.parametrize(
    "args",
    [
        ("callbacks", "list", "--day", "9999-12-31"),
        ("callbacks", "list", "--day", "0001-01-01"),
        ("appointments", "list", "--day", "9999-12-31"),
        ("callbacks", "cancel", "99999999999999999999"),
        ("appointments", "cancel", "2147483648"),
        ("work", "retry", "²"),
        ("simulate", "--callback", "-1"),
    ],
)
def test_far_days_and_huge_ids_are_usage_errors_not_tracebacks(hotline, args):
    result = hotline(*args, catch_exceptions=True)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
