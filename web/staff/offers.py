"""*Angebote*: the directory of support offers; admins add and edit them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.audit.models import AuditMessage
from hotline.cases.vocabulary import OFFER_CATEGORIES, REGIONS
from hotline.inputs import Refused, bounded_integer_or_none, checked_text
from hotline.referrals.directory import (
    OfferRefused,
    checked_offer,
    find_offer,
    save_offer,
)
from hotline.referrals.directory import (
    offers as list_offers,
)
from web.staff.auth import admin_only, current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import audit_admin, now, posted_form, reading, transaction
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_offers", __name__)


@blueprint.get("/offers")
def offers() -> ResponseReturnValue:
    region = request.args.get("region") if request.args.get("region") in REGIONS else None
    category = request.args.get("category")
    category = category if category in OFFER_CATEGORIES else None
    with reading() as session:
        rows = list_offers(session, region, category)
        editing = None
        edit = bounded_integer_or_none(request.args.get("edit"))
        if current_user().is_admin and edit is not None:
            editing = find_offer(session, edit)
    return render_template(
        "staff/offers.html", offers=rows, region=region, category=category, editing=editing
    )


@blueprint.post("/offers")
@admin_only
def save_offer_page() -> ResponseReturnValue:
    if not posted_form():
        return redirect(url_for("staff_offers.offers"))
    form = request.form
    offer_id = bounded_integer_or_none(form.get("id"))
    if form.get("id") and offer_id is None:
        abort(404)  # no offer has such an id
    try:
        fields = checked_offer({key: checked_text(form.get(key)) for key in form})
    except Refused:
        flash(TEXTS["control_characters"], "error")
        return redirect(url_for("staff_offers.offers", edit=offer_id))
    except OfferRefused as why:
        flash(TEXTS["offer_not_saved"].format(why=why), "error")
        return redirect(url_for("staff_offers.offers", edit=offer_id))
    with transaction() as session:
        if offer_id is not None and find_offer(session, offer_id) is None:
            abort(404)
        offer, _ = save_offer(session, fields, now(), offer_id)
        audit_admin(session, AuditMessage.OFFER_SAVED, id=offer.id)
    flash(TEXTS["offer_saved"])
    return redirect(url_for("staff_offers.offers"))
