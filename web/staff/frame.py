"""The console's frame (blueprint `staff`): the templates every area renders or extends
(`templates/staff/`: the base page, the 403 page, the macros and each area's own) and the
script the line refreshes itself with, served at `/staff/static/line.js`.

It has no page of its own. It is a console blueprint all the same, so the script is, as it
always was, only for those logged in; and it keeps the name `staff`, so `staff.static` and
the script's URL are what they were."""

from __future__ import annotations

from web.staff.blueprint import console_blueprint

blueprint = console_blueprint(
    "staff", __name__, template_folder="templates", static_folder="static"
)
