"""What the console's pages share: the database, the clock, the time zone, display helpers,
and two of the hooks every console blueprint gets (`forms_only`, `vocabulary`; attached by
`web.staff.blueprint`, so this module makes no blueprint and registers nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, request
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from hotline.appointments.wording import STATE_NAMES as APPOINTMENT_STATES
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.calendar_names import WEEKDAYS
from hotline.callbacks.wording import STATE_NAMES as CALLBACK_STATES
from hotline.cases.references import display_case_reference
from hotline.cases.vocabulary import FEDERAL_STATES, OFFER_CATEGORIES, REGIONS, STATUS_NAMES, TOPICS
from hotline.reports.wording import CHANNELS as BOOKED_VIA
from hotline.routing.wording import COUNSELLOR_STATES, ENTRY_KINDS
from hotline.routing.wording import LANGUAGES as LINE_LANGUAGES
from hotline.services import Services, services
from hotline.texts import text
from web.context import scheduling
from web.staff.auth import current_user
from web.staff.texts import TEXTS


def forms_only() -> None:
    """The console takes HTML forms. A JSON body is none: Flask-WTF would read it as the
    form's fields and fail on a list (a 500); it is refused as what it is (415)."""
    if request.method == "POST" and request.is_json:
        abort(415)


def svc() -> Services:
    return services(current_app)


@contextmanager
def transaction() -> Iterator[Session]:
    with svc().database.transaction() as session:
        yield session


@contextmanager
def reading() -> Iterator[Session]:
    """For pages that only read: no write lock on SQLite (see Database.reading)."""
    with svc().database.reading() as session:
        yield session


def now() -> datetime:
    return svc().clock.now()


def timezone() -> ZoneInfo:
    return scheduling().hours.timezone


def audit_admin(session: Session, message: AuditMessage, **params: Any) -> None:
    """An admin's change, in the audit log in the change's own transaction: its message and
    the parameters of the message's sentence (`hotline.audit.wording`)."""
    record(session, now(), current_user().id, AuditAction.ADMIN, message=message, params=params)


def posted_form() -> bool:
    """A POSTed form with a valid CSRF token; a stale one is said so, not answered with 400."""
    form = FlaskForm()
    if form.validate_on_submit():
        return True
    flash(TEXTS["form_expired"], "error")
    return False


def back_to(default: str) -> str:
    """Where a form came from (its hidden `back` field; pages send no referrer), if that is
    a console page."""
    back = request.form.get("back", "")
    if back.startswith("/staff/") and not back.startswith("//"):
        return back
    return default


def local_time(at: datetime | None, pattern: str = "%d.%m.%Y %H:%M") -> str:
    if at is None:
        return "–"
    return at.astimezone(timezone()).strftime(pattern)


def duration_filter(seconds: int | float | None) -> str:
    """A wait as people say it: "45 s", "3 min 05 s", "1 Std. 02 min"."""
    total = max(int(seconds or 0), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return text("console.durations.hours", hours=hours, minutes=minutes)
    if minutes:
        return text("console.durations.minutes", minutes=minutes, seconds=secs)
    return text("console.durations.seconds", seconds=secs)


def reference_filter(reference: str | None) -> str:
    return display_case_reference(reference) if reference else "–"


def vocabulary() -> dict[str, object]:
    """The names every console template may show a stored value by (a console blueprint's
    context processor)."""
    return {
        "STATUS_NAMES": STATUS_NAMES,
        "FEDERAL_STATES": FEDERAL_STATES,
        "TOPICS": TOPICS,
        "REGIONS": REGIONS,
        "OFFER_CATEGORIES": OFFER_CATEGORIES,
        "CALLBACK_STATES": CALLBACK_STATES,
        "APPOINTMENT_STATES": APPOINTMENT_STATES,
        "BOOKED_VIA": BOOKED_VIA,
        "COUNSELLOR_STATES": COUNSELLOR_STATES,
        "ENTRY_KINDS": ENTRY_KINDS,
        "LINE_LANGUAGES": LINE_LANGUAGES,
        "WEEKDAYS": WEEKDAYS["de"],
    }


# the console's template filters, by the name templates use; `web.staff.init_app` adds them
# to the app (they are the app's, as Jinja's filters are: a public page may use them too)
TEMPLATE_FILTERS: dict[str, Callable[..., str]] = {
    "local": local_time,
    "duration": duration_filter,
    "reference": reference_filter,
}
