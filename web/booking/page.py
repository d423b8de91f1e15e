"""The booking page `/termin` and the manage pages `/termin/<token>`: server-rendered German
HTML that works without JavaScript; every form carries a CSRF token (Flask-WTF).

The manage link's token is the key to one appointment: it is never logged, pages holding it
are not cached and send no referrer. A JSON client (`Accept: application/json`) gets the
appointment as JSON and may cancel or move with JSON, without a CSRF token: a cross-site form
can send neither a JSON body nor that header (`web.public_pages`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from hotline.abuse.bookings import BookingRefused
from hotline.appointments import calendar
from hotline.appointments.links import BOOKING_PATH, ICS_NAME
from hotline.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentState,
    BookedVia,
)
from hotline.calendar_names import long_date_time
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.cases.service import UnknownCaseReference
from hotline.inputs import Refused, aware_moment
from hotline.services import services
from hotline.telephony.phone_numbers import mask
from hotline.texts import text
from scheduling.appointments.desk import AppointmentDesk, SlotTaken, TooShortNotice
from web.booking.api import REFUSED_BOOKINGS
from web.booking.api import error as api_error
from web.booking.api import message as api_message
from web.booking.desks import appointment_desk, notices
from web.booking.holding import (
    bookings_held_message,
    held_message,
    held_now,
    keep_for_confirmation,
)
from web.booking.input import (
    InvalidInput,
    contact_of,
    read_booking,
    read_email,
    read_start,
)
from web.booking.week_view import slot_context
from web.context import scheduling
from web.page_language import (
    LANGUAGE_PARAMETER,
    catalog_of,
    language_switch,
    page_language,
    page_texts,
)
from web.public_pages import (
    FORM_EXPIRED,
    common,
    form_token_valid,
    is_form_post,
    not_found,
    wants_json,
)
from web.security import booking_limit, manage_limit
from web.texts import ERRORS, FIELD_ERRORS

blueprint = Blueprint("booking", __name__, url_prefix=BOOKING_PATH, template_folder="../templates")
CANCELED_AND_MAILED = "mail"  # ?abgesagt=mail: the official's cancellation went by mail
# where an error in the summary takes the reader (the first radio for the time)
FIELD_IDS = {
    "type": "type-video",
    "start": "start-1",
    "name": "name",
    "email": "email",
    "phone": "phone",
    "case_reference": "case_reference",
    "consent": "consent",
}


# --- booking ------------------------------------------------------------------------------
@blueprint.get("")
def page() -> ResponseReturnValue:
    return _booking_page()


@blueprint.post("")
@booking_limit()
def book() -> ResponseReturnValue:
    values = {key: value for key, value in request.form.items() if key != "csrf_token"}
    if not form_token_valid():  # the CSRF token
        return _booking_page(values=values, errors={"form": FORM_EXPIRED}, status=400)
    kind = values.get("type") or AppointmentKind.VIDEO.value  # the page offers both
    try:
        own = services().settings.hotline_number
        wish = read_booking({**values, "type": kind}, hotline_number=own, from_form=True)
    except InvalidInput as bad:
        errors = bad.fields
        if "type" in errors or kind not in PAGE_KINDS:
            errors = {"type": FIELD_ERRORS["type.choose"], **errors}
        return _booking_page(values=values, errors=errors, status=422)
    if kind not in PAGE_KINDS:  # a callback is booked by phone or through the API
        errors = {"type": FIELD_ERRORS["type.choose"]}
        return _booking_page(values=values, errors=errors, status=422)
    with services().database.transaction() as session:  # a burst: confirmation by mail first
        held = held_now(session) and keep_for_confirmation(session, wish, BookedVia.WEB)
        refused = held_now(session) and not held
    if held:
        return _booking_page(notice=held_message(), status=202)
    if refused:
        return _booking_page(values=values, taken=bookings_held_message(), status=409)
    contact = contact_of(wish)
    try:
        with services().database.transaction() as session:
            booked = appointment_desk(session).book(
                wish.start,
                contact,
                via=BookedVia.WEB,
                case_reference=wish.case_reference,
                kind=AppointmentKind(kind),
            )
    except TooShortNotice:
        values.pop("start", None)
        return _booking_page(values=values, taken=api_message("too_short_notice"), status=409)
    except SlotTaken:
        values.pop("start", None)
        return _booking_page(values=values, taken=ERRORS["slot_taken"], status=409)
    except BookingRefused as refused:
        return _booking_page(
            values=values, taken=api_message(REFUSED_BOOKINGS[refused.why]), status=409
        )
    except UnknownCaseReference:
        errors = {"case_reference": FIELD_ERRORS["case_reference.unknown"]}
        return _booking_page(values=values, errors=errors, status=422)
    return redirect(url_for("booking.manage", token=booked.token, gebucht=1), code=303)


def _booking_page(
    *,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    taken: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    values = values or {}
    # the day of the chosen time, else the day the form was on (a time not yet chosen)
    chosen = request.args.get("tag") or _day_of(values.get("start")) or values.get("tag")
    with services().database.transaction() as session:
        desk = appointment_desk(session)
        context = slot_context(desk, chosen, lambda iso: url_for("booking.page", tag=iso))
    shown = {key: values.get(key, "") for key in _FORM_FIELDS}
    shown["type"] = shown["type"] if shown["type"] in PAGE_KINDS else AppointmentKind.VIDEO.value
    html = render_template(
        "booking.html",
        values=shown,
        errors=dict(errors or {}),
        field_ids=FIELD_IDS,
        taken=taken,
        notice=notice,
        minutes=scheduling().appointments.slot_minutes,
        **context,
        **common(),
    )
    return html, status


_FORM_FIELDS = ("type", "start", "name", "email", "phone", "case_reference", "consent")
PAGE_KINDS = (AppointmentKind.VIDEO.value, AppointmentKind.PHONE.value)


def _day_of(start: Any) -> str | None:
    try:
        return aware_moment(start).date().isoformat() if start else None
    except Refused:
        return None


# --- one appointment ----------------------------------------------------------------------
@blueprint.get("/<token>")
def manage(token: str) -> ResponseReturnValue:
    return _manage_page(token)


@blueprint.get("/<token>/cancel")
def confirm_cancel(token: str) -> ResponseReturnValue:
    """The question before cancelling (the manage page links here; its form cancels): a
    cancelled appointment cannot be taken back, and the place may be gone a minute later."""
    if wants_json():  # an integration cancels with POST; there is nothing to ask it
        return api_error(405, "method_not_allowed")
    return _cancel_question(token)


@blueprint.post("/<token>/cancel")
@manage_limit()
def cancel(token: str) -> ResponseReturnValue:
    if is_form_post() and not form_token_valid():
        return _cancel_question(token, expired=True, status=400)
    with services().database.transaction() as session:
        desk = appointment_desk(session)
        appointment = desk.find(token)
        if appointment is None:
            return not_found()
        mailed = appointment.email_encrypted is not None  # forgotten with the cancellation
        try:
            desk.cancel(appointment)
        except TooShortNotice:
            refused = True
        else:
            refused = False
    if refused:  # its page says whom to call instead
        return _manage_page(token, refused="too_short_notice", status=409)
    if wants_json():
        return _manage_page(token)
    done = CANCELED_AND_MAILED if mailed else 1
    return _back_to_page(token, abgesagt=done)


@blueprint.post("/<token>/move")
@manage_limit()
def move(token: str) -> ResponseReturnValue:
    chosen = request.form.get("tag")  # the day the form was on, shown again after an error
    if is_form_post() and not form_token_valid():
        return _manage_page(token, expired=True, status=400, chosen=chosen)
    values = request.form if is_form_post() else (request.get_json(silent=True) or {})
    try:
        start = read_start(values.get("start") if isinstance(values, Mapping) else None)
    except InvalidInput as bad:
        return _manage_page(token, errors=bad, status=422, chosen=chosen)
    try:
        with services().database.transaction() as session:
            desk = appointment_desk(session)
            appointment = desk.find(token)
            if appointment is None:
                return not_found()
            desk.move(appointment, start)
    except TooShortNotice:
        return _manage_page(token, refused="too_short_notice", status=409, chosen=chosen)
    except SlotTaken:
        return _manage_page(token, refused="slot_taken", status=409, chosen=chosen)
    if wants_json():
        return _manage_page(token)
    return _back_to_page(token, verlegt=1)


@blueprint.post("/<token>/email")
@manage_limit()
def add_email(token: str) -> ResponseReturnValue:
    if not form_token_valid():
        return _manage_page(token, expired=True, status=400)
    try:
        email = read_email(request.form.get("email"))
    except InvalidInput as bad:
        return _manage_page(token, errors=bad, status=422)
    with services().database.transaction() as session:
        desk = appointment_desk(session)
        appointment = desk.find(token)
        if appointment is None:
            return not_found()
        if appointment.state == AppointmentState.BOOKED:
            desk.add_email(appointment, email)
    return _back_to_page(token, email=1)


def _back_to_page(token: str, **done: object) -> ResponseReturnValue:
    """After a change, its page with what was done, in the language the page spoke."""
    asked = request.args.get(LANGUAGE_PARAMETER)  # None: the appointment's own language
    return redirect(url_for("booking.manage", token=token, lang=asked, **done), code=303)


@blueprint.get(f"/<token>/{ICS_NAME}")
def ics(token: str) -> ResponseReturnValue:
    with services().database.transaction() as session:
        desk = appointment_desk(session)
        appointment = desk.find(token)
        if appointment is None:
            return not_found()
        invitation = notices(session).invitation(appointment)
        canceled = appointment.state != AppointmentState.BOOKED
        if not invitation.attendees:  # booked by phone, no address yet: import, no invite
            method, build = ("CANCEL", None) if canceled else ("PUBLISH", calendar.publish_ics)
        else:
            method = "CANCEL" if canceled else "REQUEST"
            build = calendar.cancel_ics if canceled else calendar.request_ics
        if build is None:
            return not_found()
        body = build(invitation, desk.tz)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = f"text/calendar; charset=utf-8; method={method}"
    response.headers["Content-Disposition"] = f'attachment; filename="{ICS_NAME}"'
    return response


def _manage_page(
    token: str,
    *,
    errors: InvalidInput | None = None,
    expired: bool = False,
    refused: str | None = None,
    status: int = 200,
    chosen: str | None = None,
) -> ResponseReturnValue:
    """The page of one appointment, in the language it was booked in (or the one its link
    asks for); `refused`: the error code of a change just refused, `expired`: the form's
    CSRF token ran out."""
    with services().database.transaction() as session:
        desk = appointment_desk(session)
        appointment = desk.find(token)
        if appointment is None:
            return not_found()
        lang = page_language(appointment.language)
        facts = _facts(desk, appointment, token, lang)
        if wants_json():
            if refused is not None:  # errors as the API answers them (see the OpenAPI document)
                return api_error(409, refused)
            if errors is not None:
                return api_error(status, "invalid_input", errors.fields)
            return jsonify(facts["json"]), status
        context: dict[str, Any] = {}
        switch = language_switch(appointment.language, lang)
        if appointment.state == AppointmentState.BOOKED:
            link = lambda iso: url_for("booking.manage", token=token, tag=iso, lang=switch)  # noqa: E731
            booked_day = appointment.start.astimezone(desk.tz).date()  # moving starts there
            wanted = request.args.get("tag") or chosen
            context = slot_context(desk, wanted, link, booked_day, lang)
    html = render_template(
        "manage.html",
        message=_message(facts["page"]["has_email"], lang),
        errors=_shown_errors(lang, errors, expired),
        field_ids=FIELD_IDS,
        taken=api_message(refused, lang) if refused else None,
        notice=api_message("too_short_notice", lang),
        lang=switch,
        **facts["page"],
        **context,
        **common(lang),
    )
    return html, status


def _cancel_question(
    token: str, *, expired: bool = False, status: int = 200
) -> ResponseReturnValue:
    with services().database.transaction() as session:
        desk = appointment_desk(session)
        appointment = desk.find(token)
        if appointment is None:
            return not_found()
        # its page says it is cancelled, or (inside the notice) whom to call instead
        if appointment.state != AppointmentState.BOOKED or not desk.changeable(appointment):
            return redirect(url_for("booking.manage", token=token), code=303)
        lang = page_language(appointment.language)
        facts = _facts(desk, appointment, token, lang)["page"]
        switch = language_switch(appointment.language, lang)
    html = render_template(
        "cancel_appointment.html",
        errors=_shown_errors(lang, None, expired),
        field_ids={},
        lang=switch,
        **facts,
        **common(lang),
    )
    return html, status


def _facts(
    desk: AppointmentDesk, appointment: Appointment, token: str, lang: str = "de"
) -> dict[str, Any]:
    links = desk.links
    reference = desk.session.get_one(Case, appointment.case_id).reference
    canceled = appointment.state != AppointmentState.BOOKED
    sealed = appointment.phone_encrypted
    number = desk.cipher.decrypt_or_none(sealed) if sealed else None
    page = {
        "canceled": canceled,
        "by_phone": appointment.by_phone,
        "when": long_date_time(appointment.start, desk.tz, lang),
        "minutes": desk.config.slot_minutes,
        "video_url": links.video_url(appointment.room) if appointment.room else None,
        "number": mask(number) if number else None,  # the number we call, masked
        "case_reference": display_case_reference(reference),
        "manage_url": links.manage_url(token),
        "ics_url": links.ics_url(token),
        "has_email": appointment.email_encrypted is not None,
        "token": token,
        "changeable": desk.changeable(appointment),  # not: moved or cancelled by phone only
    }
    body: dict[str, Any] = {
        "type": appointment.kind,
        "state": appointment.state,
        "case_reference": reference,
        "start": appointment.start.astimezone(desk.tz).isoformat(),
        "end": appointment.end.astimezone(desk.tz).isoformat(),
        "manage_url": page["manage_url"],
        "ics_url": page["ics_url"],
        "video_url": page["video_url"] if not canceled else None,
    }
    if appointment.by_phone:
        body["phone"] = page["number"]
    return {"page": page, "json": body}


def _message(has_email: bool, lang: str) -> str | None:
    """What the page says after a change; a mail is promised only where an address is (a
    cancelled appointment has none left: its link says whether the cancellation was mailed)."""
    if request.args.get("abgesagt"):
        has_email = request.args["abgesagt"] == CANCELED_AND_MAILED
    by_mail = "" if has_email else ".no_email"
    messages = page_texts(lang, "manage_messages")
    for done in ("gebucht", "verlegt", "abgesagt", "email"):
        if request.args.get(done):
            return messages.get(done + by_mail, messages[done])
    return None


def _shown_errors(lang: str, invalid: InvalidInput | None, expired: bool) -> dict[str, str]:
    """The error summary's messages in the page's language, by field."""
    shown: dict[str, str] = {}
    if expired:
        shown["form"] = text(f"{catalog_of(lang)}.form_expired")
    if invalid is not None:
        own = page_texts(lang, "field_errors")
        for field, message in invalid.fields.items():
            shown[field] = own.get(invalid.codes.get(field, ""), message)
    return shown


def _rate_limited(_: Exception) -> ResponseReturnValue:
    if request.path.startswith("/api/") or wants_json():
        return api_error(429, "rate_limited")
    return render_template("rate_limited.html", **common()), 429


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.register_error_handler(429, _rate_limited)
