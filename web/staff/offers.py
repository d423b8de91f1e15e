"""*Angebote*: the directory of support offers; admins add and edit them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.cases.vocabulary import OFFER_CATEGORIES, REGIONS
from hotline.referrals.directory import (
    OfferRefused,
    checked_offer,
    save_offer,
)
from hotline.referrals.directory import (
    offers as list_offers,
)
from hotline.referrals.models import SupportOffer
from web.staff.auth import admin_only, current_user
from web.staff.blueprint import blueprint
from web.staff.support import audit_admin, now, posted_form, reading, transaction
from web.staff.texts import TEXTS


@blueprint.get("/offers")
def offers() -> ResponseReturnValue:
    region = request.args.get("region") if request.args.get("region") in REGIONS else None
    category = request.args.get("category")
    category = category if category in OFFER_CATEGORIES else None
    with reading() as session:
        rows = list_offers(session, region, category)
        editing = None
        if current_user().is_admin and request.args.get("edit", "").isdigit():
            editing = session.get(SupportOffer, int(request.args["edit"]))
    return render_template(
        "staff/offers.html", offers=rows, region=region, category=category, editing=editing
    )


@blueprint.post("/offers")
@admin_only
def save_offer_page() -> ResponseReturnValue:
    if not posted_form():
        return redirect(url_for("staff.offers"))
    form = request.form
    offer_id = int(form["id"]) if form.get("id", "").isdigit() else None
    try:
        fields = checked_offer({key: form.get(key, "") for key in form})
    except OfferRefused as why:
        flash(f"Angebot nicht gespeichert: {why}", "error")
        return redirect(url_for("staff.offers", edit=offer_id))
    with transaction() as session:
        if offer_id is not None and session.get(SupportOffer, offer_id) is None:
            abort(404)
        offer, _ = save_offer(session, fields, now(), offer_id)
        audit_admin(session, f"Angebot {offer.id} gespeichert")
    flash(TEXTS["offer_saved"])
    return redirect(url_for("staff.offers"))
