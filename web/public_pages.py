"""What the public manage pages (`/termin/<token>`, `/rueckruf/<token>`) share: whether a
request speaks JSON or HTML, whether it is a form post that must carry a CSRF token, the
not-found answer, and the contact line and the Impressum every page shows."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from hotline.services import services
from hotline.texts import text
from web.booking.api import error as api_error
from web.page_language import page_words


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.is_json


def is_form_post() -> bool:
    """Anything a browser form could send cross-site must carry the CSRF token; an API client
    says it speaks JSON (a JSON body, or no body and `Accept: application/json` — headers a
    cross-site form cannot set)."""
    if request.is_json:
        return False
    return bool(request.get_data(cache=True)) or not wants_json()


def form_token_valid() -> bool:
    """A posted form with a valid CSRF token. Only the form's own fields count: Flask-WTF
    would read a JSON body as form data and fail on a list; a JSON body is no form here."""
    return FlaskForm(formdata=request.form).validate_on_submit()


def not_found() -> ResponseReturnValue:
    if wants_json():
        return api_error(404, "not_found")
    return render_template("not_found.html", **common()), 404


def common(lang: str = "de") -> dict[str, Any]:
    """What the frame of every public page shows: the contact line and the footer's links,
    and the page's words in its language (German but on an appointment booked in English)."""
    settings = services().settings
    return {
        "contact_email": settings.contact_email,
        "imprint_url": settings.imprint_url,
        "w": page_words(lang),
        "page_lang": lang,
        "other_lang": "en" if lang == "de" else "de",  # the manage page links to it
    }


FORM_EXPIRED = text("public.form_expired")
