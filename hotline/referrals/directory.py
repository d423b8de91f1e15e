"""The directory of support offers: listing, editing, and importing a CSV file.

An import updates offers it knows (same name and region) and adds the others; a line it
cannot use is reported with its number and why, and the rest still count: one typo must not
stop a list of two hundred offers. An import is one transaction: a crash imports nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.cases.vocabulary import FEDERAL_LEVEL, OFFER_CATEGORIES, REGIONS
from hotline.referrals.models import SupportOffer

COLUMNS = ("name", "region", "category", "contact", "web_url", "last_checked")
REQUIRED = ("name", "region", "category")
_LIMITS = {"name": 200, "contact": 300, "web_url": 300}


class OfferRefused(ValueError):
    """Why an offer cannot be taken (German, for the page and the import report)."""


@dataclass(frozen=True)
class OfferFields:
    name: str
    region: str
    category: str
    contact: str = ""
    web_url: str = ""
    last_checked: date | None = None


def checked_offer(raw: dict[str, str]) -> OfferFields:
    """The fields of one offer from text (a CSV line or a form); OfferRefused if unusable."""
    values = {key: (raw.get(key) or "").strip() for key in COLUMNS}
    for key in REQUIRED:
        if not values[key]:
            raise OfferRefused(f"„{key}“ fehlt")
    for key, longest in _LIMITS.items():
        if len(values[key]) > longest:
            raise OfferRefused(f"„{key}“ ist länger als {longest} Zeichen")
    return OfferFields(
        name=values["name"],
        region=_region(values["region"]),
        category=_category(values["category"]),
        contact=values["contact"],
        web_url=_web_url(values["web_url"]),
        last_checked=_day(values["last_checked"]),
    )


def _region(text: str) -> str:
    if text.upper() in REGIONS:
        return text.upper()
    by_name = {name.lower(): code for code, name in REGIONS.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    raise OfferRefused(f"unbekannte Region „{text}“ (Kürzel wie BY oder {FEDERAL_LEVEL})")


def _category(text: str) -> str:
    if text in OFFER_CATEGORIES:
        return text
    by_name = {name.lower(): code for code, name in OFFER_CATEGORIES.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    raise OfferRefused(f"unbekannte Kategorie „{text}“")


def _web_url(text: str) -> str:
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise OfferRefused("die Webadresse muss mit https:// beginnen")
    return text


def _day(text: str) -> date | None:
    if not text:
        return None
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise OfferRefused(f"„{text}“ ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ)")


def save_offer(
    session: Session, fields: OfferFields, now: datetime, offer_id: int | None = None
) -> tuple[SupportOffer, bool]:
    """Add or update; an offer is the same when name and region are. (offer, was it new)."""
    offer = session.get(SupportOffer, offer_id) if offer_id is not None else None
    if offer is None:
        offer = session.scalars(
            select(SupportOffer).where(
                SupportOffer.name == fields.name, SupportOffer.region == fields.region
            )
        ).one_or_none()
    created = offer is None
    if offer is None:
        offer = SupportOffer(created_at=now)
        session.add(offer)
    offer.name, offer.region, offer.category = fields.name, fields.region, fields.category
    offer.contact, offer.web_url = fields.contact, fields.web_url
    offer.last_checked, offer.updated_at = fields.last_checked, now
    session.flush()
    return offer, created


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)


def import_offers(session: Session, text: str, now: datetime) -> ImportReport:
    """Import CSV text with a header naming the columns (comma or semicolon)."""
    report = ImportReport()
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text.split("\n", 1)[0], delimiters=",;"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), dialect=dialect)
    missing = [key for key in REQUIRED if key not in (reader.fieldnames or [])]
    if missing:
        raise OfferRefused(f"Kopfzeile ohne Spalte(n): {', '.join(missing)}")
    seen: set[tuple[str, str]] = set()
    for row in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        try:
            fields = checked_offer(row)
        except OfferRefused as why:
            report.rejected.append((line, str(why)))
            continue
        if (fields.name, fields.region) in seen:
            report.rejected.append((line, "doppelt in der Datei"))
            continue
        seen.add((fields.name, fields.region))
        _, created = save_offer(session, fields, now)
        if created:
            report.added += 1
        else:
            report.updated += 1
    return report


def offers(
    session: Session, region: str | None = None, category: str | None = None
) -> list[SupportOffer]:
    query = select(SupportOffer).order_by(SupportOffer.region, SupportOffer.name)
    if region:
        query = query.where(SupportOffer.region == region)
    if category:
        query = query.where(SupportOffer.category == category)
    return list(session.scalars(query))
