"""The calendar files, read back with an independent parser (vobject) field by field.

The times across the summer-time changes are the point: a VTIMEZONE that a client reads
differently from zoneinfo shows the appointment an hour off, so every UTC instant is computed
by vobject from the file's own TZID + VTIMEZONE and compared with the instant booked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from hotline.appointments.calendar import (
    Attendee,
    FeedEntry,
    Invitation,
    cancel_ics,
    feed_ics,
    request_ics,
)

BERLIN = ZoneInfo("Europe/Berlin")
SERVICE = Attendee("starke Stelle", "termine@starkestelle.de")
CALLER = Attendee("Jörg Müller-Lüdenscheidt", "joerg@example.org")
COUNSELLOR = Attendee("Beraterin Sabine Weiß", "sabine.weiss@starkestelle.de")
VIDEO = "https://video.starkestelle.de/raum/abc-def-123"
DESCRIPTION = (
    "So nehmen Sie teil: Öffnen Sie den Link zur Videoberatung.\n"
    "Fall 1234 5678 · Termin ändern oder absagen: https://starkestelle.de/t/xyz"
)


def invitation(**changes) -> Invitation:
    base = Invitation(
        uid="termin-q7Zx9@starkestelle.de",
        sequence=0,
        start=datetime(2026, 10, 26, 10, 0, tzinfo=BERLIN),
        end=datetime(2026, 10, 26, 10, 45, tzinfo=BERLIN),
        summary="Videoberatung mit der starken Stelle",
        description=DESCRIPTION,
        video_url=VIDEO,
        organizer=SERVICE,
        attendees=(CALLER, COUNSELLOR),
        stamp=datetime(2026, 10, 20, 14, 30, 5, tzinfo=BERLIN),
    )
    return replace(base, **changes)


def parse(text: str):
    return vobject.readOne(text)


def params(line) -> dict[str, str]:
    """vobject keeps each parameter as a list of values; these files have one each."""
    return {name.upper(): values[0] for name, values in line.params.items() if len(values) == 1}


def rrule_parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.upper().split(";"))


def tzid_of(line) -> str:
    """vobject moves TZID to X-VOBJ-ORIGINAL-TZID once it has resolved the time."""
    values = line.params.get("X-VOBJ-ORIGINAL-TZID") or line.params["TZID"]
    (tzid,) = values
    return tzid


def utc_from_own_vtimezone(calendar, line) -> datetime:
    """The instant a DTSTART/DTEND denotes, computed only from this file's VTIMEZONE.

    vobject keeps a process-wide TZID registry (and falls back to pytz), so this builds the
    tzinfo from the parsed VTIMEZONE directly to make sure the file itself is right.
    """
    (timezone,) = calendar.contents["vtimezone"]
    assert tzid_of(line) == timezone.tzid.value
    wall_clock = line.value.replace(tzinfo=None)
    return wall_clock.replace(tzinfo=timezone.gettzinfo()).astimezone(UTC)


# --- REQUEST ------------------------------------------------------------------------------------


def test_request_head_is_an_itip_request() -> None:
    calendar = parse(request_ics(invitation(), BERLIN))

    assert calendar.name == "VCALENDAR"
    assert calendar.method.value == "REQUEST"
    assert calendar.version.value == "2.0"
    assert calendar.prodid.value == "-//starke Stelle//Hotline//DE"
    assert calendar.calscale.value == "GREGORIAN"
    assert len(calendar.contents["vevent"]) == 1


def test_request_event_carries_every_field() -> None:
    event = parse(request_ics(invitation(sequence=3), BERLIN)).vevent

    assert event.uid.value == "termin-q7Zx9@starkestelle.de"
    assert int(event.sequence.value) == 3
    assert event.summary.value == "Videoberatung mit der starken Stelle"
    assert event.description.value == DESCRIPTION  # umlauts, "·", line break, ":" survive
    assert event.location.value == VIDEO
    assert event.url.value == VIDEO
    assert event.status.value == "CONFIRMED"
    assert event.transp.value == "OPAQUE"


def test_dtstamp_is_written_in_utc() -> None:
    text = request_ics(invitation(), BERLIN)
    event = parse(text).vevent

    assert "DTSTAMP:20261020T123005Z\r\n" in text
    assert event.dtstamp.value == datetime(2026, 10, 20, 12, 30, 5, tzinfo=UTC)
    assert event.dtstamp.value.utcoffset() == timedelta(0)
    assert "TZID" not in event.dtstamp.params


def test_organizer_is_the_service_with_its_name() -> None:
    organizer = parse(request_ics(invitation(), BERLIN)).vevent.organizer

    assert organizer.value == "mailto:termine@starkestelle.de"
    assert params(organizer)["CN"] == "starke Stelle"


def test_every_attendee_is_asked_to_answer() -> None:
    attendees = parse(request_ics(invitation(), BERLIN)).vevent.contents["attendee"]

    assert [a.value for a in attendees] == [
        "mailto:joerg@example.org",
        "mailto:sabine.weiss@starkestelle.de",
    ]
    assert [params(a)["CN"] for a in attendees] == [CALLER.name, COUNSELLOR.name]
    for attendee in attendees:
        assert params(attendee)["ROLE"] == "REQ-PARTICIPANT"
        assert params(attendee)["PARTSTAT"] == "NEEDS-ACTION"
        assert params(attendee)["RSVP"] == "TRUE"


def test_request_reminds_fifteen_minutes_before() -> None:
    event = parse(request_ics(invitation(), BERLIN)).vevent

    (alarm,) = event.contents["valarm"]
    assert alarm.action.value == "DISPLAY"
    assert alarm.description.value == "Videoberatung mit der starken Stelle"
    assert alarm.trigger.value == timedelta(minutes=-15)
    assert "TRIGGER:-PT15M\r\n" in request_ics(invitation(), BERLIN)


def test_the_reminder_follows_alarm_minutes() -> None:
    alarm = parse(request_ics(invitation(alarm_minutes=60), BERLIN)).vevent.valarm

    assert alarm.trigger.value == timedelta(hours=-1)


# --- times and the VTIMEZONE --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "wall_clock", "expected_utc"),
    [
        pytest.param(
            datetime(2026, 10, 26, 10, 0, tzinfo=BERLIN),
            "20261026T100000",
            datetime(2026, 10, 26, 9, 0, tzinfo=UTC),
            id="day-after-autumn-change-CET",
        ),
        pytest.param(
            datetime(2026, 10, 24, 10, 0, tzinfo=BERLIN),
            "20261024T100000",
            datetime(2026, 10, 24, 8, 0, tzinfo=UTC),
            id="day-before-autumn-change-CEST",
        ),
        pytest.param(
            datetime(2027, 3, 26, 10, 0, tzinfo=BERLIN),
            "20270326T100000",
            datetime(2027, 3, 26, 9, 0, tzinfo=UTC),
            id="before-spring-change-CET",
        ),
        pytest.param(
            datetime(2027, 3, 29, 10, 0, tzinfo=BERLIN),
            "20270329T100000",
            datetime(2027, 3, 29, 8, 0, tzinfo=UTC),
            id="day-after-spring-change-CEST",
        ),
        pytest.param(
            datetime(2027, 3, 29, 8, 0, tzinfo=UTC),
            "20270329T100000",
            datetime(2027, 3, 29, 8, 0, tzinfo=UTC),
            id="given-in-utc",
        ),
        pytest.param(
            datetime(2026, 10, 26, 4, 0, tzinfo=ZoneInfo("America/New_York")),
            "20261026T090000",
            datetime(2026, 10, 26, 8, 0, tzinfo=UTC),
            id="given-in-new-york-written-in-berlin",
        ),
    ],
)
def test_start_and_end_resolve_to_the_booked_instants(
    start: datetime, wall_clock: str, expected_utc: datetime
) -> None:
    text = request_ics(invitation(start=start, end=start + timedelta(minutes=45)), BERLIN)
    calendar = parse(text)
    event = calendar.vevent

    assert f"DTSTART;TZID=Europe/Berlin:{wall_clock}\r\n" in text
    assert tzid_of(event.dtstart) == tzid_of(event.dtend) == "Europe/Berlin"
    assert event.dtstart.value.astimezone(UTC) == expected_utc
    assert event.dtend.value.astimezone(UTC) == expected_utc + timedelta(minutes=45)
    assert utc_from_own_vtimezone(calendar, event.dtstart) == expected_utc
    assert utc_from_own_vtimezone(calendar, event.dtend) == expected_utc + timedelta(minutes=45)


def test_vtimezone_is_the_yearly_rule_form_not_a_list_of_rdates() -> None:
    text = request_ics(invitation(), BERLIN)
    calendar = parse(text)

    (timezone,) = calendar.contents["vtimezone"]
    assert timezone.tzid.value == "Europe/Berlin"
    (standard,) = timezone.contents["standard"]
    (daylight,) = timezone.contents["daylight"]
    assert rrule_parts(standard.rrule.value) == {
        "FREQ": "YEARLY",
        "BYMONTH": "10",
        "BYDAY": "-1SU",
    }
    assert rrule_parts(daylight.rrule.value) == {"FREQ": "YEARLY", "BYMONTH": "3", "BYDAY": "-1SU"}
    assert (standard.tzname.value, daylight.tzname.value) == ("CET", "CEST")
    assert (standard.tzoffsetfrom.value, standard.tzoffsetto.value) == ("+0200", "+0100")
    assert (daylight.tzoffsetfrom.value, daylight.tzoffsetto.value) == ("+0100", "+0200")
    # The changes happen at 01:00 UTC: 02:00 CET in spring, 03:00 CEST in autumn.
    assert daylight.dtstart.value.replace(tzinfo=None) == datetime(1970, 3, 29, 2, 0)
    assert standard.dtstart.value.replace(tzinfo=None) == datetime(1970, 10, 25, 3, 0)
    assert "rdate" not in standard.contents and "rdate" not in daylight.contents
    assert "RDATE" not in text
    assert text.count("BEGIN:VTIMEZONE") == 1


def test_the_vtimezone_agrees_with_zoneinfo_for_years_ahead() -> None:
    """Every hour of 2026-2030 around the changes: the file's rule and zoneinfo agree."""
    tzinfo = parse(request_ics(invitation(), BERLIN)).vtimezone.gettzinfo()
    for year in range(2026, 2031):
        for month, day in ((3, 24), (10, 22)):
            moment = datetime(year, month, day, tzinfo=UTC)
            for _ in range(24 * 9):
                assert (
                    moment.astimezone(tzinfo).utcoffset() == moment.astimezone(BERLIN).utcoffset()
                ), moment
                moment += timedelta(hours=1)


def test_other_eu_rule_zones_are_written_with_their_own_offsets() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2027, 3, 29, 10, 0, tzinfo=london)
    calendar = parse(request_ics(invitation(start=start, end=start + timedelta(hours=1)), london))

    assert calendar.vtimezone.tzid.value == "Europe/London"
    assert {p.tzname.value for p in calendar.vtimezone.getChildren() if p.name != "TZID"} == {
        "GMT",
        "BST",
    }
    assert utc_from_own_vtimezone(calendar, calendar.vevent.dtstart) == datetime(
        2027, 3, 29, 9, 0, tzinfo=UTC
    )


# --- CANCEL -------------------------------------------------------------------------------------


def test_cancel_withdraws_the_same_appointment() -> None:
    request = parse(request_ics(invitation(sequence=1), BERLIN)).vevent
    calendar = parse(cancel_ics(invitation(sequence=2), BERLIN))
    event = calendar.vevent

    assert calendar.method.value == "CANCEL"
    assert calendar.prodid.value == "-//starke Stelle//Hotline//DE"
    assert event.status.value == "CANCELLED"
    assert event.uid.value == request.uid.value
    assert int(event.sequence.value) == 2
    assert event.dtstart.value.astimezone(UTC) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert event.organizer.value == "mailto:termine@starkestelle.de"
    attendees = event.contents["attendee"]
    assert [a.value for a in attendees] == [
        "mailto:joerg@example.org",
        "mailto:sabine.weiss@starkestelle.de",
    ]
    assert all(params(a)["RSVP"] == "TRUE" for a in attendees)
    assert "valarm" not in event.contents
    assert len(calendar.contents["vtimezone"]) == 1
    assert rrule_parts(calendar.vtimezone.standard.rrule.value)["BYMONTH"] == "10"


# --- the feed -----------------------------------------------------------------------------------


FEED_ENTRIES = (
    FeedEntry(
        uid="termin-aaa@starkestelle.de",
        start=datetime(2026, 10, 26, 10, 0, tzinfo=BERLIN),
        end=datetime(2026, 10, 26, 10, 45, tzinfo=BERLIN),
        summary="Videotermin · Fall 1234 5678",
        description="Beitreten über die Termin-Seite der starken Stelle.",
    ),
    FeedEntry(
        uid="termin-bbb@starkestelle.de",
        start=datetime(2027, 3, 29, 8, 0, tzinfo=UTC),
        end=datetime(2027, 3, 29, 8, 30, tzinfo=UTC),
        summary="Videotermin · Fall 8765 4321",
        description="Beitreten über die Termin-Seite der starken Stelle.",
    ),
)


def test_feed_is_a_published_calendar_with_name_and_refresh_hints() -> None:
    text = feed_ics(
        "starke Stelle – Videotermine", FEED_ENTRIES, datetime(2026, 10, 1, tzinfo=UTC), BERLIN
    )
    calendar = parse(text)

    assert calendar.method.value == "PUBLISH"
    assert calendar.version.value == "2.0"
    assert calendar.prodid.value == "-//starke Stelle//Hotline//DE"
    assert calendar.calscale.value == "GREGORIAN"
    assert calendar.x_wr_calname.value == "starke Stelle – Videotermine"
    assert calendar.x_wr_timezone.value == "Europe/Berlin"
    (refresh,) = calendar.contents["refresh-interval"]
    assert refresh.value == "PT15M"
    assert refresh.params["VALUE"] == ["DURATION"]
    assert calendar.x_published_ttl.value == "PT15M"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in text
    assert "X-PUBLISHED-TTL:PT15M\r\n" in text


def test_feed_lists_every_entry_at_the_right_instant() -> None:
    calendar = parse(feed_ics("Termine", FEED_ENTRIES, datetime(2026, 10, 1, tzinfo=UTC), BERLIN))
    events = calendar.contents["vevent"]

    assert [e.uid.value for e in events] == [e.uid for e in FEED_ENTRIES]
    assert [e.summary.value for e in events] == [e.summary for e in FEED_ENTRIES]
    assert [e.description.value for e in events] == [e.description for e in FEED_ENTRIES]
    assert [utc_from_own_vtimezone(calendar, e.dtstart) for e in events] == [
        datetime(2026, 10, 26, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 8, 0, tzinfo=UTC),
    ]
    assert [e.dtend.value.astimezone(UTC) for e in events] == [
        datetime(2026, 10, 26, 9, 45, tzinfo=UTC),
        datetime(2027, 3, 29, 8, 30, tzinfo=UTC),
    ]
    assert all(e.dtstamp.value == datetime(2026, 10, 1, tzinfo=UTC) for e in events)
    assert rrule_parts(calendar.vtimezone.daylight.rrule.value)["BYMONTH"] == "3"


def test_feed_names_nobody() -> None:
    text = feed_ics("Termine", FEED_ENTRIES, datetime(2026, 10, 1, tzinfo=UTC), BERLIN)
    calendar = parse(text)

    for event in calendar.contents["vevent"]:
        assert "attendee" not in event.contents
        assert "organizer" not in event.contents
    assert "ATTENDEE" not in text
    assert "ORGANIZER" not in text
    assert "mailto" not in text.lower()


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    calendar = parse(feed_ics("Termine", (), datetime(2026, 10, 1, tzinfo=UTC), BERLIN))

    assert calendar.method.value == "PUBLISH"
    assert "vevent" not in calendar.contents
    assert calendar.vtimezone.tzid.value == "Europe/Berlin"


# --- the text itself ----------------------------------------------------------------------------


def test_long_lines_fold_at_75_octets_and_unfold_to_the_original() -> None:
    long_description = "Bitte prüfen Sie vorab Kamera und Mikrofon – äöüß. " * 20
    text = request_ics(invitation(description=long_description), BERLIN)

    lines = text.split("\r\n")
    assert lines[-1] == ""  # the text ends with CRLF
    assert max(len(line.encode("utf-8")) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)  # it did fold
    assert parse(text).vevent.description.value == long_description


def test_every_line_ends_with_crlf() -> None:
    for text in (
        request_ics(invitation(), BERLIN),
        cancel_ics(invitation(sequence=1), BERLIN),
        feed_ics("Termine", FEED_ENTRIES, datetime(2026, 10, 1, tzinfo=UTC), BERLIN),
    ):
        assert isinstance(text, str)
        assert text.startswith("BEGIN:VCALENDAR\r\n")
        assert text.endswith("END:VCALENDAR\r\n")
        assert "\n" not in text.replace("\r\n", "")
        assert "\r" not in text.replace("\r\n", "")


def test_a_line_break_in_the_description_is_escaped_not_written_raw() -> None:
    text = request_ics(invitation(description="Zeile eins\r\nZeile zwei"), BERLIN)

    assert "DESCRIPTION:Zeile eins\\nZeile zwei\r\n" in text
    assert parse(text).vevent.description.value == "Zeile eins\nZeile zwei"


def test_request_round_trips_through_icalendar() -> None:
    text = request_ics(invitation(sequence=4), BERLIN)
    calendar = Calendar.from_ical(text)

    assert calendar.to_ical().decode("utf-8") == text
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.events
    assert event["UID"] == "termin-q7Zx9@starkestelle.de"
    assert event["SEQUENCE"] == 4
    assert event.start == datetime(2026, 10, 26, 10, 0, tzinfo=BERLIN)
    assert event.end == datetime(2026, 10, 26, 10, 45, tzinfo=BERLIN)
    assert event.decoded("DTSTAMP") == datetime(2026, 10, 20, 12, 30, 5, tzinfo=UTC)
    assert event["DESCRIPTION"] == DESCRIPTION
    assert [str(a) for a in event["ATTENDEE"]] == [
        "mailto:joerg@example.org",
        "mailto:sabine.weiss@starkestelle.de",
    ]
    (timezone,) = calendar.timezones
    assert [str(c["RRULE"].to_ical(), "ascii") for c in timezone.subcomponents] == [
        "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    ]


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": datetime(2026, 10, 26, 10, 0)}, "timezone-aware"),
        ({"stamp": datetime(2026, 10, 20, 14, 0)}, "timezone-aware"),
        ({"end": datetime(2026, 10, 26, 10, 0, tzinfo=BERLIN)}, "not after start"),
        ({"attendees": ()}, "at least one attendee"),
        ({"sequence": -1}, "sequence"),
        ({"alarm_minutes": -5}, "alarm_minutes"),
        ({"uid": " "}, "uid"),
        ({"attendees": (Attendee("X", "x@example.org\r\nATTENDEE:mailto:y@z"),)}, "e-mail"),
        ({"organizer": Attendee("X", "no-address")}, "e-mail"),
    ],
)
def test_wrong_invitations_are_refused(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        request_ics(invitation(**changes), BERLIN)


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Sydney"])
def test_zones_with_another_summer_time_rule_are_refused(zone: str) -> None:
    with pytest.raises(ValueError, match="EU"):
        request_ics(invitation(), ZoneInfo(zone))
    with pytest.raises(ValueError, match="EU"):
        feed_ics("Termine", FEED_ENTRIES, datetime(2026, 10, 1, tzinfo=UTC), ZoneInfo(zone))


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "Etc/GMT-11"])
def test_a_zone_without_summer_time_is_one_standard_part_and_resolves_right(zone: str) -> None:
    """One STANDARD part without a rule: read back, the times are the booked instants, in
    winter and in summer (an hour's difference would show if a rule crept in)."""
    for start in (datetime(2026, 1, 12, 9, 0, tzinfo=UTC), datetime(2026, 7, 13, 9, 0, tzinfo=UTC)):
        wish = invitation(start=start, end=start + timedelta(minutes=45))
        calendar = parse(request_ics(wish, ZoneInfo(zone)))
        (timezone,) = calendar.contents["vtimezone"]
        assert [part.name for part in timezone.getChildren() if part.name != "TZID"] == ["STANDARD"]
        assert "rrule" not in timezone.contents["standard"][0].contents
        assert calendar.vevent.dtstart.value.astimezone(UTC) == start
        if zone != "UTC":  # vobject reads TZID=UTC as UTC itself, without the VTIMEZONE
            assert utc_from_own_vtimezone(calendar, calendar.vevent.dtstart) == start
        feed = parse(
            feed_ics("Termine", FEED_ENTRIES, datetime(2026, 10, 1, tzinfo=UTC), ZoneInfo(zone))
        )
        assert feed.vtimezone.tzid.value == zone


def test_the_second_pass_of_the_repeated_autumn_hour_is_refused() -> None:
    # 2026-10-25: 02:30 CEST is 00:30 UTC (fine), 02:30 CET is 01:30 UTC (not expressible).
    first_pass = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    event = parse(
        request_ics(invitation(start=first_pass, end=first_pass + timedelta(minutes=15)), BERLIN)
    ).vevent
    assert event.dtstart.value.astimezone(UTC) == first_pass

    second_pass = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="repeated hour"):
        request_ics(invitation(start=second_pass, end=second_pass + timedelta(hours=1)), BERLIN)


def test_a_feed_entry_with_a_room_carries_it_as_location_and_url() -> None:
    room = "https://meet.example.org/starke-stelle-0123456789abcdef"
    entries = (replace(FEED_ENTRIES[0], room_url=room), FEED_ENTRIES[1])
    text = feed_ics("Termine", entries, datetime(2026, 10, 1, tzinfo=UTC), BERLIN)
    with_room, without = Calendar.from_ical(text).walk("VEVENT")
    assert str(with_room["LOCATION"]) == room and str(with_room["URL"]) == room
    assert "LOCATION" not in without and "URL" not in without
