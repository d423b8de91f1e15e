"""The manage page of a callback booked on the web or through the API: `/rueckruf/<token>`
shows when we call and under which (masked) number, and cancels it while it is still booked.

As on the appointment's manage page, the token is the key: never logged, the page is not
cached and sends no referrer; a JSON client gets JSON and may cancel without a CSRF token
(`web.public_pages`). Cancelling deletes the number at once and frees the place; once the
call is under way it can no longer be cancelled here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.calendar_names import long_date_time
from hotline.callbacks.links import CALLBACK_PATH, callback_of_link, manage_url
from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.services import services
from hotline.telephony.phone_numbers import mask
from web.booking.api import error as api_error
from web.context import scheduling, unit_in
from web.public_pages import (
    FORM_EXPIRED,
    common,
    form_token_valid,
    is_form_post,
    not_found,
    wants_json,
)
from web.security import manage_limit
from web.texts import CALLBACK_PAGE

blueprint = Blueprint(
    "callback_manage", __name__, url_prefix=CALLBACK_PATH, template_folder="../templates"
)


@blueprint.get("/<token>")
def manage(token: str) -> ResponseReturnValue:
    message = CALLBACK_PAGE["canceled_now"] if request.args.get("abgesagt") else None
    return _page(token, message=message)


@blueprint.get("/<token>/cancel")
def confirm_cancel(token: str) -> ResponseReturnValue:
    """The question before cancelling (the page links here; its form cancels), as for an
    appointment: a cancelled callback cannot be taken back."""
    if wants_json():  # an integration cancels with POST; there is nothing to ask it
        return api_error(405, "method_not_allowed")
    return _page(token, question=True)


@blueprint.post("/<token>/cancel")
@manage_limit()
def cancel(token: str) -> ResponseReturnValue:
    if is_form_post() and not form_token_valid():
        return _page(token, errors={"form": FORM_EXPIRED}, status=400, question=True)
    svc = services()
    with svc.database.transaction() as session:
        callback = callback_of_link(session, token)
        if callback is None:
            return not_found()
        placement = unit_in(session).placement
        refused = callback.state != CallbackState.CANCELED and not placement.cancel(
            callback.id, by_booker=True
        )  # cancelling twice is no error; once the call is under way it is too late
    if refused:
        if wants_json():
            return api_error(409, "callback_under_way")
        return _page(token, errors={"form": CALLBACK_PAGE["under_way"]}, status=409)
    if wants_json():
        return _page(token)
    return redirect(url_for("callback_manage.manage", token=token, abgesagt=1), code=303)


def _page(
    token: str,
    *,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    question: bool = False,
) -> ResponseReturnValue:
    """The callback's page (JSON for a JSON client); `question`: "Rückruf absagen?" instead,
    or the page itself once there is nothing left to cancel."""
    svc = services()
    with svc.database.transaction() as session:
        callback = callback_of_link(session, token)
        if callback is None:
            return not_found()
        reference = session.get_one(Case, callback.case_id).reference if callback.case_id else ""
        facts = _facts(callback, reference, token)
    if wants_json():
        return jsonify(facts["json"]), status
    if question and not facts["page"]["cancellable"]:
        return redirect(url_for("callback_manage.manage", token=token), code=303)
    html = render_template(
        "cancel_callback.html" if question else "callback_manage.html",
        message=message,
        errors=errors or {},
        field_ids={},
        token=token,
        **facts["page"],
        **common(),
    )
    return html, status


def _facts(callback: Callback, reference: str, token: str) -> dict[str, Any]:
    tz = scheduling().hours.timezone
    start: datetime | None = callback.slot_start
    end = start + scheduling().callbacks.slot if start else None
    number = _masked_number(callback)
    page = {
        "when": long_date_time(start, tz) if start else CALLBACK_PAGE["as_soon_as_possible"],
        "state_text": CALLBACK_PAGE.get(callback.state, callback.state),
        "number": number,
        "case_reference": display_case_reference(reference) if reference else "",
        "manage_url": manage_url(services().settings.public_base_url, token),
        "cancellable": callback.state == CallbackState.BOOKED,
    }
    body = {
        "type": "callback",
        "state": callback.state,
        "case_reference": reference,
        "start": start.astimezone(tz).isoformat() if start else None,
        "end": end.astimezone(tz).isoformat() if end else None,
        "manage_url": page["manage_url"],
        "ics_url": None,
    }
    return {"page": page, "json": body}


def _masked_number(callback: Callback) -> str | None:
    """The number we will call, masked; None once it is deleted (or unreadable)."""
    if callback.number_encrypted is None:
        return None
    number = services().cipher.decrypt_or_none(callback.number_encrypted)
    return mask(number) if number else None


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
