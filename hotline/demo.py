"""Demo data for a fresh development database: counsellors to ring in the simulator, the
example directory of support offers, and console logins (development only)."""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.counsellors.models import Counsellor
from hotline.counsellors.service import add_counsellor
from hotline.crypto import DataCipher
from hotline.referrals.directory import import_offers
from hotline.referrals.models import SupportOffer
from hotline.staff.accounts import add_account
from hotline.staff.models import StaffAccount, StaffRole

# Numbers from the range the Bundesnetzagentur reserves for drama and documentation.
# Addresses under example.org (RFC 2606): they reach nobody.
DEMO_COUNSELLORS = (
    ("Anna Berger", "+49 30 23125 000", True, "anna.berger@example.org"),
    ("Deniz Yilmaz", "+49 30 23125 001", True, "deniz.yilmaz@example.org"),
    ("Jonas Keller", "+49 30 23125 002", False, "jonas.keller@example.org"),
)


def is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Counsellor)) == 0


def seed_demo(session: Session, cipher: DataCipher, now: datetime) -> list[str]:
    """Add the demo counsellors that are missing; returns their names."""
    existing = set(session.scalars(select(Counsellor.name)))
    added = []
    for name, phone, on_duty, email in DEMO_COUNSELLORS:
        if name not in existing:
            add_counsellor(session, name, phone, cipher, now, on_duty=on_duty, email=email)
            added.append(name)
    return added


EXAMPLE_OFFERS = "referrals/examples/angebote-beispiel.csv"
# Known to anyone who reads this file: for a development database only (the command refuses
# them in production).
DEMO_PASSWORD = "demo-passwort-starke-stelle"
DEMO_STAFF = (
    ("admin@example.org", StaffRole.ADMIN, None),
    ("anna.berger@example.org", StaffRole.COUNSELLOR, "Anna Berger"),
)


def seed_demo_offers(session: Session, now: datetime) -> int:
    """The example offers (clearly marked BEISPIELDATEN) when the directory is empty."""
    if session.scalar(select(func.count()).select_from(SupportOffer)):
        return 0
    text = (resources.files("hotline") / EXAMPLE_OFFERS).read_text(encoding="utf-8")
    return import_offers(session, text, now).added


def seed_demo_staff(session: Session, cipher: DataCipher, now: datetime) -> list[str]:
    """Console logins with DEMO_PASSWORD when there are no accounts yet."""
    if session.scalar(select(func.count()).select_from(StaffAccount)):
        return []
    existing = set(session.scalars(select(Counsellor.name)))
    added = []
    for email, role, counsellor in DEMO_STAFF:
        linked = counsellor if counsellor in existing else None
        add_account(
            session,
            cipher,
            now,
            email=email,
            role=role,
            password=DEMO_PASSWORD,
            counsellor_name=linked,
        )
        added.append(email)
    return added
