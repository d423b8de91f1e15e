"""*Fälle*: the list with filters and search by reference, and a case's page: its timeline,
status, responsibility, description, referrals and their follow-up, merging, and the
caller's contact details shown masked until revealed (which is audited).

Every view of a case page is audited too: the audit log answers "who looked at this case"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from hotline.cases.case_file import read_case_file
from hotline.cases.changes import CaseChangeRefused, CaseDesk
from hotline.cases.contacts import NothingToReveal
from hotline.cases.listing import CaseFilter, find_by_typed_reference, list_cases
from hotline.cases.models import Case
from hotline.cases.references import (
    InvalidCaseReference,
    display_case_reference,
    normalise_case_reference,
)
from hotline.cases.service import find_case
from hotline.cases.vocabulary import FEDERAL_STATES, STATUS_NAMES, TOPICS
from hotline.counsellors.listing import counsellor_names
from hotline.counsellors.service import CounsellorNotFound, counsellor_with_id
from hotline.inputs import Refused, bounded_integer_or_none, calendar_day, checked_text
from hotline.texts import text
from web.context import scheduling, unit_in
from web.staff.auth import current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import now, posted_form, reading, timezone, transaction
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_cases", __name__)


@blueprint.get("/cases")
def cases() -> ResponseReturnValue:
    args = request.args
    typed = (args.get("q") or "").strip()
    if typed:
        with reading() as session:
            found = find_by_typed_reference(session, typed)
            reference = found.reference if found else None
        if reference:
            return redirect(url_for("staff_cases.case", reference=reference))
        flash(TEXTS["no_case"], "error")
    counsellor = args.get("counsellor", "")
    wanted = CaseFilter(
        status=args.get("status") if args.get("status") in STATUS_NAMES else None,
        counsellor_id=bounded_integer_or_none(counsellor),
        unassigned=counsellor == "none",
        federal_state=args.get("state") if args.get("state") in FEDERAL_STATES else None,
        topic=args.get("topic") if args.get("topic") in TOPICS else None,
    )
    page = bounded_integer_or_none(args.get("page")) or 1
    with reading() as session:
        listing = list_cases(session, wanted, page)
        counsellors = counsellor_names(session)
    return render_template(
        "staff/cases.html", listing=listing, wanted=wanted, counsellors=counsellors, typed=typed
    )


def case_or_404(session: Session, reference: str) -> Case:
    """The case a console URL names (an erased one too: its page says so), else 404."""
    try:
        reference = normalise_case_reference(reference)
    except InvalidCaseReference:
        abort(404)  # no reference at all (nothing the database is asked about)
    case = find_case(session, reference)
    if case is None:
        abort(404)
    return case


def _case_page(
    reference: str, *, reveal: str | None = None, status: int = 200
) -> ResponseReturnValue:
    """The case page, drawn once the transaction that read it (and audited the reading) has
    committed."""
    try:
        with transaction() as session:
            case = case_or_404(session, reference)
            desk = unit_in(session, actor=current_user().id).cases
            case_file = read_case_file(desk, case, reveal=reveal)
            blocked_until = unit_in(session).blocks.active_until(case.id)
    except NothingToReveal:
        abort(404)
    page = render_template(
        "staff/case.html",
        case=case_file.case,
        display=display_case_reference(case_file.case.reference),
        notes=case_file.notes,  # None: unreadable (the template says so)
        entries=case_file.timeline,
        referrals=case_file.referrals,
        offers=case_file.offers,
        counsellors=case_file.counsellors,
        contacts=case_file.contacts,
        merged_into=case_file.merged_into,
        erasure=case_file.erasure,
        twilio=case_file.twilio,
        today=now().astimezone(timezone()).date(),
        blocked_until=blocked_until,
        block_days=scheduling().abuse.block_days,
        max_block_days=scheduling().abuse.max_block_days,
    )
    return page, status


@blueprint.get("/cases/<reference>")
def case(reference: str) -> ResponseReturnValue:
    return _case_page(reference)


@blueprint.post("/cases/<reference>/reveal")
def reveal(reference: str) -> ResponseReturnValue:
    if not posted_form():
        return redirect(url_for("staff_cases.case", reference=reference))
    return _case_page(reference, reveal=request.form.get("item", ""))


@blueprint.post("/cases/<reference>/<action>")
def change_case(reference: str, action: str) -> ResponseReturnValue:
    if action not in _ACTIONS:
        abort(404)
    if not posted_form():
        return redirect(url_for("staff_cases.case", reference=reference))
    user = current_user()
    try:
        with transaction() as session:
            case = case_or_404(session, reference)
            if case.erased_at is not None:  # nothing new links to an erased case
                raise CaseChangeRefused(text("rights.refused.erased"))
            message = _ACTIONS[action](session, case, user.id)
            target = case.reference
    except CaseChangeRefused as why:
        flash(str(why), "error")
        return redirect(url_for("staff_cases.case", reference=reference))
    flash(message)
    return redirect(url_for("staff_cases.case", reference=target))


def _desk(session: Session, staff_id: int) -> CaseDesk:
    return unit_in(session, actor=staff_id).cases


def _status(session: Session, case: Case, staff_id: int) -> str:
    _desk(session, staff_id).set_status(case, request.form.get("status", ""))
    return TEXTS["saved"]


def _assign(session: Session, case: Case, staff_id: int) -> str:
    counsellor = None
    if request.form.get("counsellor"):  # empty: nobody responsible
        chosen = _chosen_id("counsellor", TEXTS["no_counsellor"])
        try:
            counsellor = counsellor_with_id(session, chosen)
        except CounsellorNotFound:
            raise CaseChangeRefused(TEXTS["no_counsellor"]) from None
    _desk(session, staff_id).assign(case, counsellor)
    return TEXTS["saved"]


def _describe(session: Session, case: Case, staff_id: int) -> str:
    form = request.form
    _desk(session, staff_id).describe(
        case,
        federal_state=form.get("federal_state"),
        topic=form.get("topic"),
        notes=_typed("notes", multiline=True),
    )
    return TEXTS["saved"]


def _refer(session: Session, case: Case, staff_id: int) -> str:
    form = request.form
    offer_id = _chosen_id("offer", TEXTS["choose_offer"])
    follow_up = None
    if form.get("follow_up_on"):
        try:
            follow_up = calendar_day(form["follow_up_on"])
        except Refused:
            raise CaseChangeRefused(TEXTS["bad_date"]) from None
    desk = unit_in(session, actor=staff_id).referrals
    desk.refer(case, offer_id, follow_up)
    return TEXTS["referred"]


def _outcome(session: Session, case: Case, staff_id: int) -> str:
    referral_id = _chosen_id("referral", TEXTS["unknown_referral"])
    desk = unit_in(session, actor=staff_id).referrals
    desk.record_outcome(case, referral_id, _typed("outcome"))
    return TEXTS["follow_up_recorded"]


def _merge(session: Session, case: Case, staff_id: int) -> str:
    other = find_by_typed_reference(session, request.form.get("other", ""))
    if other is None:
        raise CaseChangeRefused(TEXTS["no_case"])
    if other.erased_at is not None:
        raise CaseChangeRefused(text("rights.refused.erased"))
    _desk(session, staff_id).merge(other, case)
    return TEXTS["merged"]


def _chosen_id(field: str, refusal: str) -> int:
    """The id a form's choice names; CaseChangeRefused with `refusal` for anything that is
    no id (a "²" or 20 digits: no such row)."""
    chosen = bounded_integer_or_none(request.form.get(field))
    if chosen is None:
        raise CaseChangeRefused(refusal)
    return chosen


def _typed(field: str, *, multiline: bool = False) -> str:
    try:
        return checked_text(request.form.get(field), multiline=multiline)
    except Refused:
        raise CaseChangeRefused(TEXTS["control_characters"]) from None


_ACTIONS = {
    "status": _status,
    "assign": _assign,
    "describe": _describe,
    "refer": _refer,
    "follow-up": _outcome,
    "merge": _merge,
}
