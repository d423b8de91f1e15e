"""The mailed link of a booking held during a burst (`web.booking.holding`):
`/termin/bestaetigen/<token>` shows a page with a button, so that a mail scanner opening the
link books nothing; the button books it like any other booking (the time may be taken by
then)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from hotline.abuse.bookings import BookingRefused
from hotline.abuse.bursts import held_booking
from hotline.appointments.models import AppointmentKind, BookedVia
from hotline.calendar_names import long_date_time
from hotline.services import services
from scheduling.appointments.desk import Contact, SlotTaken, TooShortNotice
from web.booking.api import REFUSED_BOOKINGS
from web.booking.api import message as api_message
from web.booking.desks import appointment_desk
from web.booking.holding import CONFIRM_PATH
from web.context import scheduling
from web.public_pages import FORM_EXPIRED, common, form_token_valid, not_found
from web.security import manage_limit
from web.texts import ERRORS

blueprint = Blueprint("held", __name__, url_prefix=CONFIRM_PATH, template_folder="../templates")


@blueprint.get("/<token>")
@manage_limit()
def confirm_page(token: str) -> ResponseReturnValue:
    svc = services()
    with svc.database.transaction() as session:
        found = held_booking(session, svc.cipher, token, svc.clock.now())
    if found is None:
        return not_found()
    return _page(token, found[1])


@blueprint.post("/<token>")
@manage_limit()
def confirm(token: str) -> ResponseReturnValue:
    svc = services()
    if not form_token_valid():
        return _refused(token, FORM_EXPIRED, 400)
    try:
        with svc.database.transaction() as session:
            found = held_booking(session, svc.cipher, token, svc.clock.now())
            if found is None:
                return not_found()
            held, fields = found
            booked = appointment_desk(session).book(
                datetime.fromisoformat(fields["start"]),
                Contact(
                    name=fields["name"],
                    email=fields["email"],
                    phone_e164=fields["phone"],
                    phone_is_mobile=fields["mobile"],
                ),
                via=BookedVia(fields["via"]),
                case_reference=fields["case_reference"],
                kind=AppointmentKind(fields["type"]),
            )
            held.confirmed_at = svc.clock.now()
    except TooShortNotice:
        return _refused(token, api_message("too_short_notice"), 409)
    except SlotTaken:
        return _refused(token, ERRORS["slot_taken"], 409)
    except BookingRefused as refused:
        return _refused(token, api_message(REFUSED_BOOKINGS[refused.why]), 409)
    return redirect(url_for("booking.manage", token=booked.token, gebucht=1), code=303)


def _refused(token: str, why: str, status: int) -> ResponseReturnValue:
    svc = services()
    with svc.database.transaction() as session:
        found = held_booking(session, svc.cipher, token, svc.clock.now())
    if found is None:
        return not_found()
    return _page(token, found[1], refused=why, status=status)


def _page(
    token: str, fields: dict[str, object], *, refused: str | None = None, status: int = 200
) -> ResponseReturnValue:
    start = datetime.fromisoformat(str(fields["start"]))
    html = render_template(
        "confirm_booking.html",
        token=token,
        when=long_date_time(start, scheduling().hours.timezone),
        kind=fields["type"],
        refused=refused,
        **common(),
    )
    return html, status


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
