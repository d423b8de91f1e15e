"""One counsellor's windows and absences as the Verwaltung shows them, read from a real
database."""

from __future__ import annotations

from datetime import date

import pytest

from hotline.counsellors.service import CounsellorNotFound
from scheduling.availability.overview import AbsenceLine, counsellor_times
from scheduling.availability.service import add_absence, parse_window, set_windows


def test_a_counsellors_windows_and_absences_not_over_yet(svc, clock, create_counsellor):
    anna = create_counsellor("Anna Berger")
    create_counsellor("Ben Yilmaz")  # his times are not hers
    with svc.database.transaction() as session:
        windows = [parse_window("wed=13:00-16:00"), parse_window("mon=09:00-12:00")]
        set_windows(session, anna.id, windows)
        set_windows(session, anna.id, [parse_window("tue=17:00-19:00")], by_arrangement=True)
        add_absence(session, anna.id, date(2026, 12, 21), date(2026, 12, 23), clock.now(), "Urlaub")
        add_absence(session, anna.id, date(2026, 11, 2), date(2026, 11, 6), clock.now())
        add_absence(session, anna.id, date(2026, 11, 20), date(2026, 11, 26), clock.now())

    with svc.database.reading() as session:
        times = counsellor_times(session, anna.id, date(2026, 11, 26))

    assert times.name == "Anna Berger" and times.counsellor_id == anna.id
    assert [str(w) for w in times.windows] == ["mon=09:00-12:00", "wed=13:00-16:00"]
    assert [str(w) for w in times.arranged] == ["tue=17:00-19:00"]
    assert times.absences == [
        AbsenceLine(date(2026, 11, 20), date(2026, 11, 26), None),  # ends today: still shown
        AbsenceLine(date(2026, 12, 21), date(2026, 12, 23), "Urlaub"),
    ]


def test_a_counsellor_without_windows_has_none_listed_and_an_unknown_one_is_refused(
    svc, create_counsellor
):
    anna = create_counsellor("Anna Berger")
    with svc.database.reading() as session:
        times = counsellor_times(session, anna.id, date(2026, 11, 26))
        assert (times.windows, times.arranged, times.absences) == ([], [], [])
        with pytest.raises(CounsellorNotFound):
            counsellor_times(session, anna.id + 1, date(2026, 11, 26))
