"""`hotline block` refuses what cannot be blocked, with the reason in German: neither or both
of --case and --call, an unknown case or call, a withheld number, too many days."""

from __future__ import annotations

from tests.support.protection import Caller


def test_what_cannot_be_blocked_is_said_so(hotline, twilio):
    caller = Caller(twilio)
    withheld = caller.calls_through("anonymous")
    shown = caller.calls_through("+4915123456789")

    neither = hotline("block", "add", "--reason", "x", catch_exceptions=True)
    both = hotline(
        "block", "add", "--case", "1", "--call", shown.sid, "--reason", "x", catch_exceptions=True
    )
    unknown = hotline("block", "add", "--case", "1234 5678", "--reason", "x", catch_exceptions=True)
    no_call = hotline(
        "block", "add", "--call", "CA" + "0" * 32, "--reason", "x", catch_exceptions=True
    )
    hidden = hotline("block", "add", "--call", withheld.sid, "--reason", "x", catch_exceptions=True)
    too_long = hotline(
        "block", "add", "--call", shown.sid, "--days", "366", "--reason", "x", catch_exceptions=True
    )
    no_reason = hotline("block", "add", "--call", shown.sid, "--reason", " ", catch_exceptions=True)

    assert "genau eines angeben" in neither.output and "genau eines angeben" in both.output
    assert "Diese Fallnummer gibt es nicht." in unknown.output
    assert "Einen eingehenden Anruf mit dieser CallSid gibt es nicht." in no_call.output
    assert "unterdrückte Nummern lassen sich nicht sperren" in hidden.output
    assert "Eine Sperre dauert 1 bis 365 Tage." in too_long.output
    assert "Bitte einen Grund angeben." in no_reason.output
    for result in (neither, both, unknown, no_call, hidden, too_long, no_reason):
        assert result.exit_code != 0
    assert "keine Sperren" in hotline("block", "list").output
    assert (
        "gibt es nicht oder sie ist schon beendet"
        in hotline("block", "lift", "1", catch_exceptions=True).output
    )
