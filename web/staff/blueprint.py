"""The console's blueprint, apart from its pages so that each module can add to it, and the
converter its URLs name rows with (`/staff/callbacks/<id:callback_id>/call`)."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter, ValidationError

from hotline.inputs import Refused, bounded_integer

blueprint = Blueprint(
    "staff", __name__, url_prefix="/staff", template_folder="templates", static_folder="static"
)


class RowId(BaseConverter):
    """`<id:name>`: a row's id as `hotline.inputs` takes one (ASCII digits, 1 to 2**31 - 1).
    Anything else names no page (404) instead of overflowing the database's integer."""

    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        try:
            return bounded_integer(value)
        except Refused:
            raise ValidationError() from None

    def to_url(self, value: object) -> str:
        return str(value)


@blueprint.record_once
def _add_row_id(state: BlueprintSetupState) -> None:
    """Recorded before any page (every page module imports this one first), so the
    converter is known when the pages' rules are added."""
    state.app.url_map.converters["id"] = RowId
