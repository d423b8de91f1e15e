"""`hotline hours` as an operator uses it: an override (Ausnahme) has an internal note that
callers never hear and, optionally, an announcement that they do; the output speaks German with
the console's words, and waits are real elapsed time across a change of the clocks.
The test clock stands at Thursday 26.11.2026, 10:00 (Berlin)."""

from __future__ import annotations

import pytest

UNTIL = "2026-11-26 14:00"
UNANNOUNCED = "Unsere Telefonberatung ist gerade nicht besetzt."


def close_the_line(hotline, *extra: str):
    return hotline(
        "hours", "set", "closed", "--until", UNTIL, "--note", "Interne Besprechung", *extra
    )


def test_an_override_with_an_announcement_is_set_listed_heard_and_cleared(hotline):
    result = close_the_line(hotline, "--announcement", "Wir sind ab 14 Uhr wieder für Sie da")
    assert result.exit_code == 0, result.output
    assert (
        "Ausnahme eingetragen: geschlossen bis Donnerstag, 26.11.2026, 14:00 Uhr" in result.output
    )
    assert "Notiz (intern): Interne Besprechung" in result.output

    status = hotline("hours").output
    assert "GESCHLOSSEN (Ausnahme: Interne Besprechung)" in status
    heard = (
        "Anrufende hören: „Unsere Telefonberatung ist gerade nicht besetzt: Wir sind ab 14 Uhr "
        "wieder für Sie da. Sie erreichen uns wieder ab heute um 14 Uhr.“"
    )
    assert heard in status

    listing = hotline("hours", "list")
    assert listing.exit_code == 0, listing.output
    assert "Notiz (intern)" in listing.output and "Ansage" in listing.output
    assert "Interne Besprechung" in listing.output
    assert "Wir sind ab 14 Uhr wieder für Sie da" in listing.output
    assert "aktiv" in listing.output

    cleared = hotline("hours", "clear").output
    assert "1 Ausnahme aufgehoben" in cleared and "Übersteuerung" not in cleared
    assert "Ausnahme" not in hotline("hours").output
    assert "aufgehoben" in hotline("hours", "list").output


def test_callers_never_hear_the_note_of_an_override_without_announcement(hotline):
    result = close_the_line(hotline)
    assert result.exit_code == 0, result.output
    assert "Ansage: keine" in result.output
    status = hotline("hours").output
    assert (
        f"Anrufende hören: „{UNANNOUNCED} Sie erreichen uns wieder ab heute um 14 Uhr.“" in status
    )
    assert "Interne Besprechung" not in status.split("Anrufende hören")[1]


def test_the_old_reason_option_is_refused_with_what_replaced_it(hotline):
    result = hotline("hours", "set", "closed", "--until", UNTIL, "--reason", "Teamtag")
    assert result.exit_code == 2
    assert "--note" in result.output and "--announcement" in result.output
    assert "GESCHLOSSEN" not in hotline("hours").output


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (("--note", " "), "--note", "Bitte eine interne Notiz angeben"),
        (("--note", "Team\x1b[2Jsitzung"), "--note", "ohne Steuerzeichen"),
        (("--note", "x" * 201), "--note", "höchstens 200 Zeichen"),
        (("--note", "Team", "--announcement", "Bis gleich\x00"), "--announcement", "Steuerzeichen"),
        (("--note", "Team", "--announcement", "x" * 201), "--announcement", "200 Zeichen"),
    ],
)
def test_note_and_announcement_are_held_to_the_same_rules(hotline, args, option, message):
    result = hotline("hours", "set", "closed", "--until", UNTIL, *args)
    assert result.exit_code == 2 and option in result.output
    assert message in result.output
    assert "GESCHLOSSEN" not in hotline("hours").output


def test_an_open_override_takes_no_announcement_because_callers_are_put_through(hotline):
    result = hotline(
        "hours", "set", "open", "--until", "2026-11-26 18:00",
        "--note", "Aktionstag", "--announcement", "Heute länger für Sie da",
    )  # fmt: skip
    assert result.exit_code == 2 and "--announcement" in result.output
    assert "nur bei geschlossener Leitung" in result.output
    opened = hotline("hours", "set", "open", "--until", "2026-11-26 18:00", "--note", "Aktionstag")
    assert opened.exit_code == 0, opened.output
    assert "Ausnahme eingetragen: geöffnet bis" in opened.output


def test_an_override_in_the_past_is_refused_in_german(hotline):
    result = hotline("hours", "set", "open", "--until", "2020-01-01 10:00", "--note", "x")
    assert result.exit_code == 2 and "in der Zukunft" in result.output


def test_clearing_without_an_override_says_so(hotline):
    result = hotline("hours", "clear")
    assert result.exit_code == 0
    assert "Keine aktive Ausnahme" in result.output


@pytest.mark.parametrize(
    ("at", "wait"),
    [
        # spring: Friday 16:00 to Monday 9:00 loses the hour of Sunday's 2:00 -> 3:00
        ("2026-03-27 16:00", "in 64 Std. 0 Min."),
        # autumn: 3:00 -> 2:00 on Sunday 25 October adds one
        ("2026-10-23 16:00", "in 66 Std. 0 Min."),
    ],
)
def test_the_wait_until_the_next_opening_is_real_time_across_a_change_of_the_clocks(
    hotline, at, wait
):
    result = hotline("hours", "--at", at)
    assert result.exit_code == 0, result.output
    assert "Nächste Öffnung: Montag" in result.output
    assert wait in result.output


def test_the_status_speaks_german_with_the_consoles_words(hotline):
    output = hotline("hours", "--at", "2026-11-26 18:00").output
    assert "GESCHLOSSEN (außerhalb der Öffnungszeiten)" in output
    assert "Öffnungszeiten:  montags bis freitags" in output and "Sprechzeiten:" not in output
