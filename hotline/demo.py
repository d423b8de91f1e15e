"""Demo data for a fresh development database: counsellors to ring in the simulator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.counsellors.models import Counsellor
from hotline.counsellors.service import add_counsellor
from hotline.crypto import DataCipher

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
