"""The console's blueprint, apart from its pages so that each module can add to it."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")
