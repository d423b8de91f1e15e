"""How a console blueprint is made, and the converter its URLs name rows with
(`/staff/callbacks/<id:callback_id>/call`).

The console is a blueprint per area, each in its own module, all under `/staff`. What every
console page needs around its view is attached here to each blueprint as it is made: the
login check, forms rather than JSON, the console's 403 page and the vocabulary its templates
use. An area cannot leave one out, and a new page is behind the login by being in one.
(The no-store and security headers are the app's, for every path under `/staff/`, in
`web.security`; the rate limiter's hooks are moved to these blueprints by `web.init_app`.)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from werkzeug.routing import BaseConverter, ValidationError

from hotline.inputs import Refused, bounded_integer
from web.staff.auth import forbidden, require_login
from web.staff.support import forms_only, vocabulary

URL_PREFIX = "/staff"


def console_blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint under `/staff` with the console's hooks; `options` as for Blueprint
    (a template or static folder).

    The login check comes first, as it always has: a request without a session is sent to
    the login whatever it holds, before `forms_only` looks at its body."""
    blueprint = Blueprint(name, import_name, url_prefix=URL_PREFIX, **options)
    blueprint.before_request(require_login)
    blueprint.before_request(forms_only)
    blueprint.register_error_handler(403, forbidden)
    blueprint.context_processor(vocabulary)
    return blueprint


class RowId(BaseConverter):
    """`<id:name>`: a row's id as `hotline.inputs` takes one (ASCII digits, 1 to 2**31 - 1).
    Anything else names no page (404) instead of overflowing the database's integer.
    `web.staff.init_app` adds it to the app before it registers any console blueprint."""

    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        try:
            return bounded_integer(value)
        except Refused:
            raise ValidationError() from None

    def to_url(self, value: object) -> str:
        return str(value)
