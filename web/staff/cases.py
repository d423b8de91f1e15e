"""*Fälle*: the list with filters and search by reference, and a case's page: its timeline,
status, responsibility, description, referrals and their follow-up, merging, and the
caller's contact details shown masked until revealed (which is audited).

Every view of a case page is audited too: the audit log answers "who looked at this case"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.appointments.models import Appointment
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.audit.wording import contact
from hotline.callbacks.models import Callback
from hotline.cases.changes import CaseChangeRefused, CaseDesk
from hotline.cases.listing import CaseFilter, find_by_typed_reference, list_cases
from hotline.cases.models import Case
from hotline.cases.references import (
    InvalidCaseReference,
    display_case_reference,
    normalise_case_reference,
)
from hotline.cases.referrals import referrals_of
from hotline.cases.service import find_case
from hotline.cases.timeline import timeline
from hotline.cases.vocabulary import FEDERAL_STATES, STATUS_NAMES, TOPICS
from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.inputs import Refused, bounded_integer_or_none, calendar_day, checked_text
from hotline.mail.mailer import mask_address
from hotline.referrals.directory import offers
from hotline.telephony.phone_numbers import mask
from hotline.texts import text
from web.context import unit_in
from web.staff.auth import current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import now, posted_form, reading, svc, timezone, transaction
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
        counsellors = _counsellors(session)
    return render_template(
        "staff/cases.html", listing=listing, wanted=wanted, counsellors=counsellors, typed=typed
    )


def _counsellors(session: Session) -> list[tuple[int, str]]:
    return list(
        session.execute(select(Counsellor.id, Counsellor.name).order_by(Counsellor.name)).all()
    )


@dataclass(frozen=True)
class ContactLine:
    """A stored number or address, masked unless revealed on this page view."""

    item: str  # what the reveal form names: "callback-3-phone", "appointment-5-email"
    label: str
    shown: str
    revealed: bool
    readable: bool = True


def _case_or_404(session: Session, reference: str) -> Case:
    try:
        reference = normalise_case_reference(reference)
    except InvalidCaseReference:
        abort(404)  # no reference at all (nothing the database is asked about)
    case = find_case(session, reference)
    if case is None:
        abort(404)
    return case


def _contacts(
    session: Session, cipher: DataCipher, case: Case, reveal: str | None
) -> list[ContactLine]:
    """The case's stored numbers and addresses, each masked unless it is `reveal`."""
    stored: list[tuple[str, str, bytes | None, Callable[[str], str]]] = []
    callbacks = session.scalars(
        select(Callback).where(Callback.case_id == case.id, Callback.number_encrypted.is_not(None))
    )
    for cb in callbacks:
        stored.append(
            (
                f"callback-{cb.id}-phone",
                text("console.contacts.callback_phone", id=cb.id),
                cb.number_encrypted,
                mask,
            )
        )
    for ap in session.scalars(select(Appointment).where(Appointment.case_id == case.id)):
        stored.append(
            (
                f"appointment-{ap.id}-phone",
                text("console.contacts.appointment_phone", id=ap.id),
                ap.phone_encrypted,
                mask,
            )
        )
        stored.append(
            (
                f"appointment-{ap.id}-email",
                text("console.contacts.appointment_email", id=ap.id),
                ap.email_encrypted,
                mask_address,
            )
        )
    lines = []
    for item, label, token, masking in stored:
        if token is None:
            continue
        value = cipher.decrypt_or_none(token)
        if value is None:  # stored under a key no longer configured: nothing to reveal
            lines.append(ContactLine(item, label, TEXTS["unreadable"], False, readable=False))
            continue
        shown = value if item == reveal else masking(value)
        lines.append(ContactLine(item, label, shown, item == reveal))
    return lines


def _case_page(
    reference: str, *, reveal: str | None = None, status: int = 200
) -> ResponseReturnValue:
    user = current_user()
    cipher = svc().cipher
    with transaction() as session:
        case = _case_or_404(session, reference)
        desk = unit_in(session, actor=user.id).cases
        contacts = _contacts(session, cipher, case, reveal)
        if reveal is not None:
            shown = [line for line in contacts if line.revealed]
            if not shown:
                abort(404)
            record_kind, record_id, field = shown[0].item.split("-")  # "callback-3-phone"
            record(
                session,
                now(),
                user.id,
                AuditAction.REVEALED,
                case_id=case.id,
                message=AuditMessage.REVEALED,
                params={"contact": contact(f"{record_kind}_{field}", int(record_id))},
            )
        else:
            record(session, now(), user.id, AuditAction.VIEWED, case_id=case.id)
        merged_into = session.get(Case, case.merged_into_id) if case.merged_into_id else None
        page = render_template(
            "staff/case.html",
            case=case,
            display=display_case_reference(case.reference),
            notes=desk.notes(case),  # None: unreadable (the template says so)
            entries=timeline(session, case.id),
            referrals=referrals_of(session, svc().cipher, case.id),
            offers=offers(session),
            counsellors=_counsellors(session),
            contacts=contacts,
            merged_into=merged_into,
            today=now().astimezone(timezone()).date(),
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
            case = _case_or_404(session, reference)
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
        counsellor = session.get(Counsellor, _chosen_id("counsellor", TEXTS["no_counsellor"]))
        if counsellor is None:
            raise CaseChangeRefused(TEXTS["no_counsellor"])
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
