"""Calendar files (RFC 5545) for appointments, by video or by phone.

Three files: the iTIP (RFC 5546) invitation (METHOD:REQUEST) and cancellation (METHOD:CANCEL)
that go out by e-mail, and the subscribable webcal feed (METHOD:PUBLISH) for counsellors.

They are built with `icalendar`, except for the VTIMEZONE: icalendar's own generator
(`Timezone.from_tzinfo`, `Calendar.add_missing_timezones`) lists every change since 1970 as an
RDATE, and Outlook misreads that form and shows the appointment an hour off. We therefore write
the yearly RRULE form that Outlook, Google and Apple all read. That form only describes a zone
whose current rule is the EU one (summer time from the last Sunday of March to the last Sunday
of October, changing at 01:00 UTC) — Europe/Berlin and its neighbours. For any other zone the
functions raise ValueError instead of writing a file that puts the appointment at the wrong
hour. The rule is checked against zoneinfo for every year the file's appointments touch.

Times are written as Europe/Berlin wall-clock time with TZID (what people expect to see in an
invitation) and DTSTAMP in UTC, as RFC 5545 demands. The texts (summary, description, names)
come from the caller; this module writes no German of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
)

PRODID = "-//starke Stelle//Hotline//DE"
# How often subscribed clients should fetch the feed again: appointments are booked at short
# notice, and the default of many clients (a day or a week) would hide them.
FEED_REFRESH = timedelta(minutes=15)

_SPRING_MONTH = 3
_AUTUMN_MONTH = 10
_EU_CHANGE_UTC = time(1)  # the EU changes the clocks at 01:00 UTC everywhere at once
# The rule is declared from 1970 on, as Outlook and Google do; it only has to be right for the
# years the appointments fall in, and those are checked against zoneinfo.
_RULE_FROM_YEAR = 1970


@dataclass(frozen=True)
class Attendee:
    """A calendar user: display name (CN) and e-mail address (the mailto: URI)."""

    name: str
    email: str


@dataclass(frozen=True)
class Invitation:
    """One appointment as mailed to the people taking part.

    `uid` stays the same across all changes so that clients update or remove the entry they
    already have; `sequence` must be raised by the caller on every change (a move, a
    cancellation) or clients ignore the newer file.
    """

    uid: str
    sequence: int
    start: datetime  # aware, any tz; written as local time of the file's tz with TZID
    end: datetime
    summary: str
    description: str  # how to join, case reference, manage link
    # goes to LOCATION (shown everywhere) and URL (clickable in some clients); None for a
    # phone appointment, which takes place nowhere but on the phone
    video_url: str | None
    organizer: Attendee  # the service itself
    attendees: Sequence[Attendee]
    stamp: datetime  # DTSTAMP: when this version was made (aware; written in UTC)
    alarm_minutes: int = 15  # VALARM this many minutes before the start


@dataclass(frozen=True)
class FeedEntry:
    """One appointment in the subscribable feed.

    Feeds are fetched without a login by whatever calendar app holds the webcal link, so the
    texts must not carry names, phone numbers or e-mail addresses; the feed carries no
    ORGANIZER or ATTENDEE for the same reason.
    """

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str
    # the video room: LOCATION and URL, so the counsellor joins from the calendar entry (a
    # room link is no personal data: it names nobody and opens only the meeting)
    room_url: str | None = None


def request_ics(invitation: Invitation, tz: ZoneInfo) -> str:
    """METHOD:REQUEST, STATUS:CONFIRMED: a new or moved appointment.

    Carries a VALARM so that the reminder works even if the recipient's client has none by
    default.
    """
    return _invitation_ics(invitation, tz, method="REQUEST", status="CONFIRMED", alarm=True)


def cancel_ics(invitation: Invitation, tz: ZoneInfo) -> str:
    """METHOD:CANCEL, STATUS:CANCELLED, same UID, the (raised) sequence the caller passes.

    RFC 5546 wants the attendees being removed listed in a CANCEL, so they are all written;
    there is no VALARM, the entry is going away.
    """
    return _invitation_ics(invitation, tz, method="CANCEL", status="CANCELLED", alarm=False)


def publish_ics(invitation: Invitation, tz: ZoneInfo) -> str:
    """METHOD:PUBLISH: the appointment to import into one's own calendar, for a download when
    nobody has an address to invite (a booking by phone). RFC 5546 allows no ATTENDEE in a
    PUBLISH, so none is written; UID and SEQUENCE are the same as the invitations'."""
    return _invitation_ics(
        invitation, tz, method="PUBLISH", status="CONFIRMED", alarm=True, attendees=False
    )


def feed_ics(
    calendar_name: str, entries: Sequence[FeedEntry], stamp: datetime, tz: ZoneInfo
) -> str:
    """METHOD:PUBLISH subscribable feed (webcal).

    Writes X-WR-CALNAME (and RFC 7986 NAME, which icalendar pairs with it) so the subscription
    gets a readable name, X-WR-TIMEZONE for clients that ignore VTIMEZONE, and the refresh
    hints REFRESH-INTERVAL;VALUE=DURATION:PT15M (RFC 7986) and X-PUBLISHED-TTL:PT15M (Outlook,
    older Apple). No ATTENDEE or ORGANIZER: a feed is read without a login.
    """
    stamp_utc = _utc(stamp, "stamp")
    spans = [_local_span(entry.start, entry.end, tz) for entry in entries]
    years = [moment.year for span in spans for moment in span] or [stamp_utc.astimezone(tz).year]

    calendar = _calendar("PUBLISH")
    calendar.calendar_name = calendar_name
    calendar.add("x-wr-timezone", _tzid(tz))
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    calendar.add_component(_vtimezone(tz, years))
    for entry, (start, end) in zip(entries, spans, strict=True):
        event = Event()
        event.add("uid", _required(entry.uid, "uid"))
        event.add("dtstamp", stamp_utc)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        if entry.room_url:
            event.add("location", entry.room_url)
            event.add("url", entry.room_url)
        calendar.add_component(event)
    return _serialise(calendar)


def _invitation_ics(
    invitation: Invitation,
    tz: ZoneInfo,
    *,
    method: str,
    status: str,
    alarm: bool,
    attendees: bool = True,
) -> str:
    """The shared body of REQUEST, CANCEL and PUBLISH: they differ in METHOD, STATUS, VALARM
    and whether attendees are named."""
    if invitation.sequence < 0:
        raise ValueError(f"sequence must not be negative, got {invitation.sequence}")
    if invitation.alarm_minutes < 0:
        raise ValueError(f"alarm_minutes must not be negative, got {invitation.alarm_minutes}")
    if attendees and not invitation.attendees:
        # RFC 5546: a REQUEST needs at least one ATTENDEE, a CANCEL names those removed.
        raise ValueError("an invitation needs at least one attendee")
    start, end = _local_span(invitation.start, invitation.end, tz)

    calendar = _calendar(method)
    calendar.add_component(_vtimezone(tz, [start.year, end.year]))

    event = Event()
    event.add("uid", _required(invitation.uid, "uid"))
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", _utc(invitation.stamp, "stamp"))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", invitation.summary)
    event.add("description", invitation.description)
    if invitation.video_url:
        event.add("location", invitation.video_url)
        event.add("url", invitation.video_url)
    event.add("status", status)
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(invitation.organizer))
    for attendee in invitation.attendees if attendees else ():
        event.add(
            "attendee",
            _address(attendee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp=True),
        )
    if alarm:
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        # ACTION:DISPLAY requires a DESCRIPTION; the summary is what the reminder should say.
        reminder.add("description", invitation.summary)
        reminder.add("trigger", -timedelta(minutes=invitation.alarm_minutes))
        event.add_component(reminder)
    calendar.add_component(event)
    return _serialise(calendar)


def _calendar(method: str) -> Calendar:
    """The VCALENDAR head every file shares.

    A plain `Calendar()` rather than `Calendar.new()`: the latter adds a random calendar UID,
    which would make the same appointment produce a different file each time.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _serialise(calendar: Calendar) -> str:
    """icalendar writes CRLF line ends and folds lines at 75 octets (never inside a UTF-8
    character); the caller gets text, to attach or serve as UTF-8."""
    return calendar.to_ical().decode("utf-8")


def _address(attendee: Attendee, **parameters: str | bool) -> vCalAddress:
    """A mailto: CAL-ADDRESS with CN. The address is checked because a CAL-ADDRESS is written
    as it is (unlike TEXT, nothing is escaped): a line break in it would break the file."""
    email = attendee.email
    if "@" not in email or any(char.isspace() or char in '";:,<>' for char in email):
        raise ValueError(f"not a plain e-mail address: {email!r}")
    return vCalAddress.new(email, cn=attendee.name, **parameters)


def _required(text: str, what: str) -> str:
    if not text.strip():
        raise ValueError(f"{what} must not be empty")
    return text


def _tzid(tz: ZoneInfo) -> str:
    if not tz.key:
        raise ValueError("the time zone needs an IANA key (e.g. ZoneInfo('Europe/Berlin'))")
    return tz.key


def _utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).replace(microsecond=0)


def _local_span(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end as wall-clock time in `tz`, checked.

    A wall-clock time with TZID cannot say which of the two passes through the repeated hour
    of the autumn change is meant, and RFC 5545 reads it as the first (summer time) one. An
    appointment in the second pass would thus be shown an hour early; it is refused instead
    (nobody books a video call between 02:00 and 03:00 at night).
    """
    local = []
    for moment, what in ((start, "start"), (end, "end")):
        instant = _utc(moment, what)
        wall_clock = instant.astimezone(tz)
        if wall_clock.replace(fold=0).astimezone(UTC) != instant:
            raise ValueError(f"{what} {moment.isoformat()} is in the repeated hour of {tz.key}")
        local.append(wall_clock.replace(fold=0))
    if local[1] <= local[0]:
        raise ValueError(f"end {end.isoformat()} is not after start {start.isoformat()}")
    return local[0], local[1]


@dataclass(frozen=True)
class _EuRule:
    standard_offset: timedelta
    daylight_offset: timedelta
    standard_name: str
    daylight_name: str


def _vtimezone(tz: ZoneInfo, years: Iterable[int]) -> Timezone:
    """The VTIMEZONE in RRULE form: one STANDARD and one DAYLIGHT, each repeating yearly; a
    zone without summer time (UTC, Etc/GMT-2) has one STANDARD part and no rule."""
    years = list(years)
    timezone = Timezone()
    timezone.add("tzid", _tzid(tz))
    fixed = _fixed_offset(tz, years)
    if fixed is not None:
        offset, name = fixed
        part = TimezoneStandard()
        part.add("dtstart", datetime(_RULE_FROM_YEAR, 1, 1))
        part.add("tzoffsetfrom", offset)
        part.add("tzoffsetto", offset)
        part.add("tzname", name)
        timezone.add_component(part)
        return timezone
    rule = _eu_rule(tz, years)
    parts = (
        (TimezoneStandard(), _AUTUMN_MONTH, rule.daylight_offset, rule.standard_offset),
        (TimezoneDaylight(), _SPRING_MONTH, rule.standard_offset, rule.daylight_offset),
    )
    names = (rule.standard_name, rule.daylight_name)
    for (part, month, offset_from, offset_to), name in zip(parts, names, strict=True):
        # DTSTART is the wall-clock time of the first change, read in the offset before it.
        change = datetime.combine(_last_sunday(_RULE_FROM_YEAR, month), _EU_CHANGE_UTC)
        part.add("dtstart", change + offset_from)
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        part.add("tzname", name)
        part.add("rrule", {"freq": "YEARLY", "bymonth": month, "byday": "-1SU"})
        timezone.add_component(part)
    return timezone


def check_writable_zone(tz: ZoneInfo, years: Iterable[int]) -> None:
    """ValueError naming the zone unless invitations and feeds can be written in it for
    `years`: a zone with the EU summer-time rule, or one without summer time. The hours'
    configuration asks at start, so that a booking never finds out."""
    years = list(years)
    if _fixed_offset(tz, years) is None:
        _eu_rule(tz, years)


def _fixed_offset(tz: ZoneInfo, years: Iterable[int]) -> tuple[timedelta, str] | None:
    """The one offset (and its name) of a zone that keeps it all through `years`, else None."""
    every = sorted(set(years))
    if not every:
        return None
    moments = [
        datetime(year, month, 15, 12, tzinfo=UTC).astimezone(tz)
        for year in range(every[0], every[-1] + 1)
        for month in range(1, 13)
    ]
    offsets = {_offset(moment) for moment in moments}
    if len(offsets) != 1:
        return None
    return offsets.pop(), moments[0].tzname() or tz.key


def _eu_rule(tz: ZoneInfo, years: Iterable[int]) -> _EuRule:
    """Offsets and names of `tz`, after checking that it follows the EU rule in `years`.

    Offsets and names come from zoneinfo on 15 January and 15 July; then, for every year, the
    offset must change exactly at the EU instants and match the expected one mid-month.
    """
    years = sorted(set(years))
    if not years:
        raise ValueError("no year to check the time zone rule for")
    january = datetime(years[0], 1, 15, 12, tzinfo=UTC).astimezone(tz)
    july = datetime(years[0], 7, 15, 12, tzinfo=UTC).astimezone(tz)
    rule = _EuRule(
        standard_offset=_offset(january),
        daylight_offset=_offset(july),
        standard_name=january.tzname() or "",
        daylight_name=july.tzname() or "",
    )
    if rule.daylight_offset <= rule.standard_offset or not (
        rule.standard_name and rule.daylight_name
    ):
        raise ValueError(
            f"{tz.key} has no summer time from March to October; only EU-rule zones are written"
        )
    for year in range(years[0], years[-1] + 1):
        spring = datetime.combine(_last_sunday(year, _SPRING_MONTH), _EU_CHANGE_UTC, UTC)
        autumn = datetime.combine(_last_sunday(year, _AUTUMN_MONTH), _EU_CHANGE_UTC, UTC)
        second = timedelta(seconds=1)
        expected = {
            spring - second: rule.standard_offset,
            spring: rule.daylight_offset,
            autumn - second: rule.daylight_offset,
            autumn: rule.standard_offset,
        }
        for month in range(1, 13):
            moment = datetime(year, month, 15, 12, tzinfo=UTC)
            summer = spring <= moment < autumn
            expected[moment] = rule.daylight_offset if summer else rule.standard_offset
        for moment, offset in expected.items():
            if _offset(moment.astimezone(tz)) != offset:
                raise ValueError(
                    f"{tz.key} does not follow the EU summer-time rule in {year}; "
                    "only such zones can be written as a yearly VTIMEZONE"
                )
    return rule


def _offset(moment: datetime) -> timedelta:
    offset = moment.utcoffset()
    assert offset is not None  # always aware here
    return offset


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)  # month is March or October
    return last - timedelta(days=(last.weekday() - 6) % 7)
