"""An offer of the directory found by the id a console form names."""

from __future__ import annotations

from hotline.referrals.directory import checked_offer, find_offer, save_offer


def test_an_offer_is_found_by_its_id_and_an_unknown_id_finds_none(svc, clock):
    fields = checked_offer({"name": "BEISPIEL Rechtsrat", "region": "BUND", "category": "legal"})
    with svc.database.transaction() as session:
        offer, _ = save_offer(session, fields, clock.now())
    with svc.database.reading() as session:
        assert find_offer(session, offer.id).name == "BEISPIEL Rechtsrat"
        assert find_offer(session, offer.id + 1) is None
