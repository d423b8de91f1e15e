"""`hotline simulate --busy … --ahead …`: a new user watches a caller wait behind others and be
taken by the counsellor who becomes free first (the command, as operators run it)."""

from __future__ import annotations


def test_a_caller_waits_behind_another_and_is_taken_when_a_counsellor_is_free(hotline):
    hotline("seed-demo")  # Anna Berger and Deniz Yilmaz on duty
    result = hotline(
        "simulate",
        "--at",
        "2026-11-27 10:00",
        "--keys",
        "- -",
        "--busy",
        "0.5",
        "--busy",
        "1",
        "--ahead",
        "1",
    )
    assert result.exit_code == 0, result.output
    output = result.output
    assert "Anna Berger spricht gerade mit jemandem (noch 0,5 min)" in output
    assert "Vor Ihnen in der Warteschlange: 1 Person" in output
    assert "Sie sind an Position 2" in output
    assert output.index("Anna Berger beendet ein Gespräch") < output.index(
        "nimmt das Gespräch einer Anrufer:in vor Ihnen an"
    )
    # first the caller ahead is taken, then the caller at the terminal
    taken_ahead = output.index("Eine Anrufer:in vor Ihnen wird verbunden")
    connected = output.index("verbunden mit einer Berater:in")
    assert taken_ahead < connected
    assert "Ergebnis connected" in output


def test_busy_counts_only_counsellors_on_duty(hotline):
    hotline("seed-demo")
    result = hotline("simulate", "--at", "2026-11-27 10:00", "--keys", "- -", *["--busy", "1"] * 3)
    assert result.exit_code == 2 and "nur 2 Berater:innen sind im Dienst" in result.output
