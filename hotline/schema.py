"""Every table of the service, gathered from the domains that own them.

Models live with their domain (`hotline.cases.models`, `hotline.hours.models`, ...); this
is the one place that imports them all, for Alembic and for the app. Every model is part of
the core, so this imports nothing but the core.
"""

from __future__ import annotations

import importlib
from functools import cache

from sqlalchemy import Column, MetaData

from hotline.db import Base, is_encrypted

# Every module that defines tables; importing one registers its tables on Base.metadata.
MODEL_MODULES = (
    "hotline.cases.models",
    "hotline.cases.events",
    "hotline.counsellors.models",
    "hotline.staff.models",
    "hotline.audit.models",
    "hotline.referrals.models",
    "hotline.telephony.models",
    "hotline.hours.models",
    "hotline.availability.models",
    "hotline.callbacks.models",
    "hotline.appointments.models",
    "hotline.reports.models",
    "hotline.outbox.models",
    "hotline.routing.models",
    "hotline.scheduler.models",
    "hotline.retention.models",
    "hotline.abuse.models",
)


@cache
def metadata() -> MetaData:
    """The metadata with every model registered."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base.metadata


def encrypted_columns() -> list[Column]:
    """Every column holding personal data encrypted at rest (marked with `db.encrypted()`)."""
    return [
        column
        for table in metadata().sorted_tables
        for column in table.columns
        if is_encrypted(column)
    ]
