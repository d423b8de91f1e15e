"""The caller's rights on a case's page, for admins (403 for counsellors): *Auskunft*
downloads everything held for the case as one ZIP archive (DSGVO Art. 15), *Löschen* asks for
its erasure (Art. 17) and a second admin confirms it — or any admin withdraws the request.
Each needs a stated reason and is audited in the transaction that does it; the archive is
sent after that transaction committed."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from hotline.cases.disclosure import export_case
from hotline.plurals import Counted
from hotline.retention.erasure import ErasureRefused
from hotline.texts import text
from web.context import unit_in
from web.staff.auth import admin_only, current_user
from web.staff.blueprint import console_blueprint
from web.staff.cases import case_or_404
from web.staff.support import now, posted_form, svc, timezone, transaction

blueprint = console_blueprint("staff_rights", __name__)


@blueprint.post("/cases/<reference>/export")
@admin_only
def export(reference: str) -> ResponseReturnValue:
    if not posted_form():
        return _back(reference)
    try:
        with transaction() as session:
            case = case_or_404(session, reference)
            disclosure = export_case(
                session,
                svc().cipher,
                now(),
                case,
                current_user().id,
                request.form.get("reason"),
                timezone(),
            )
    except ErasureRefused as why:
        flash(str(why), "error")
        return _back(reference)
    return Response(
        disclosure.archive,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{disclosure.filename}"'},
    )


@blueprint.post("/cases/<reference>/erase/<step>")
@admin_only
def erase(reference: str, step: str) -> ResponseReturnValue:
    """`request` (with a reason), `confirm` (another admin), `withdraw`."""
    if step not in ("request", "confirm", "withdraw"):
        return _back(reference)
    if not posted_form():
        return _back(reference)
    try:
        with transaction() as session:
            case = case_or_404(session, reference)
            desk = unit_in(session, actor=current_user().id).erasure
            if step == "request":
                desk.request(case, request.form.get("reason"))
                said = text("rights.console.requested")
            elif step == "withdraw":
                desk.withdraw(case)
                said = text("rights.console.withdrawn")
            else:
                erased = desk.confirm(case)
                said = text("rights.console.erased", twilio=Counted(erased.twilio_records))
    except ErasureRefused as why:
        flash(str(why), "error")
        return _back(reference)
    flash(said)
    return _back(reference)


def _back(reference: str) -> ResponseReturnValue:
    return redirect(url_for("staff_cases.case", reference=reference))
