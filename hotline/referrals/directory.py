"""The directory of support offers: listing, editing, and importing a CSV file.

An import updates offers it knows (same name and region) and adds the others; a line it
cannot use is reported with its number and why, and the rest still count: one typo must not
stop a list of two hundred offers. An import is one transaction: a crash imports nothing.

The file is read as RFC 4180 says (the way spreadsheets write it): a field may stand in double
quotes, and a quote inside it is doubled (`"Verein ""Hilfe"" e.V."`); comma or semicolon as
the separator, whichever the header line uses. A cell that begins like a spreadsheet formula
(`=`, `+`, `-`, `@`, a tab or a carriage return) is refused, in a file and in the console's
form alike: the directory is copied into spreadsheets, where such a cell would run
("CSV injection")."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.cases.vocabulary import FEDERAL_LEVEL, OFFER_CATEGORIES, REGIONS
from hotline.inputs import Refused, checked_text
from hotline.referrals.models import SupportOffer
from hotline.texts import text as catalog_text
from hotline.texts import words

COLUMNS = ("name", "region", "category", "contact", "web_url", "last_checked")
REQUIRED = ("name", "region", "category")
_LIMITS = {"name": 200, "contact": 300, "web_url": 300}
# what spreadsheets take as the start of a formula, with the words the reason uses for it
_FORMULA_STARTS = words("directory.formula_starts")
# a phone number such as "+49 (0)30 123 456-7" is no formula, though it starts with "+"
_PHONE_NUMBER = re.compile(r"\+\d[\d ()/-]*")


class OfferRefused(ValueError):
    """Why an offer cannot be taken (German, for the page and the import report)."""


def _refused(reason: str, /, **values: object) -> OfferRefused:
    """A refusal in the words of `hotline/texts/directory.toml`."""
    return OfferRefused(catalog_text(f"directory.refused.{reason}", **values))


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
    for key in COLUMNS:
        _refuse_formula(key, raw.get(key) or "")
    values = {key: (raw.get(key) or "").strip() for key in COLUMNS}
    for key in REQUIRED:
        if not values[key]:
            raise _refused("missing", key=key)
    for key, longest in _LIMITS.items():
        if len(values[key]) > longest:
            raise _refused("too_long", key=key, most=longest)
    for key in COLUMNS:
        # the contact may span lines (an address); nothing may hold a NUL or escape codes
        try:
            checked_text(values[key], multiline=key == "contact")
        except Refused:
            raise _refused("control_characters", key=key) from None
    return OfferFields(
        name=values["name"],
        region=_region(values["region"]),
        category=_category(values["category"]),
        contact=values["contact"],
        web_url=_web_url(values["web_url"]),
        last_checked=_day(values["last_checked"]),
    )


def _refuse_formula(key: str, text: str) -> None:
    """A cell a spreadsheet would run as a formula (also after leading blanks)."""
    for start in (text[:1], text.lstrip()[:1]):
        if start in _FORMULA_STARTS and not _PHONE_NUMBER.fullmatch(text.strip()):
            raise _refused("formula", key=key, start=_FORMULA_STARTS[start])


def _region(text: str) -> str:
    if text.upper() in REGIONS:
        return text.upper()
    by_name = {name.lower(): code for code, name in REGIONS.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    raise _refused("unknown_region", region=text, federal_level=FEDERAL_LEVEL)


def _category(text: str) -> str:
    if text in OFFER_CATEGORIES:
        return text
    by_name = {name.lower(): code for code, name in OFFER_CATEGORIES.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    raise _refused("unknown_category", category=text)


def _web_url(text: str) -> str:
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise _refused("web_url")
    return text


def _day(text: str) -> date | None:
    if not text:
        return None
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise _refused("not_a_day", day=text)


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
    seen: set[tuple[str, str]] = set()
    for line, row in _records(text):
        if isinstance(row, OfferRefused):
            report.rejected.append((line, str(row)))
            continue
        try:
            fields = checked_offer(row)
        except OfferRefused as why:
            report.rejected.append((line, str(why)))
            continue
        if (fields.name, fields.region) in seen:
            report.rejected.append((line, catalog_text("directory.refused.twice")))
            continue
        seen.add((fields.name, fields.region))
        _, created = save_offer(session, fields, now)
        if created:
            report.added += 1
        else:
            report.updated += 1
    return report


def _records(text: str) -> Iterator[tuple[int, dict[str, str] | OfferRefused]]:
    """(line number where the record starts, its cells by column, or why it is unreadable);
    blank lines are skipped. OfferRefused for a header without the needed columns."""
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    lines = _CountedLines(io.StringIO(text, newline="\n"))  # lines end at \n only
    reader = csv.reader(lines, delimiter=delimiter, doublequote=True, strict=True)
    try:
        columns = [name.strip() for name in next(reader, [])]
    except csv.Error:
        columns = []
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise _refused("header_missing", columns=", ".join(missing))
    while True:
        line = lines.read + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield (
                line,
                _refused("quotes"),
            )
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            yield (
                line,
                _refused(
                    "too_many_fields",
                    fields=len(cells),
                    columns=len(columns),
                    delimiter=delimiter,
                ),
            )
            continue
        yield line, dict(zip(columns, cells, strict=False))


class _CountedLines:
    """The lines of a file, counted as the csv reader takes them (a quoted field may span
    several), so that a rejected record is named by the line it starts on."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.read = 0

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.read += 1
        return line


def find_offer(session: Session, offer_id: int) -> SupportOffer | None:
    return session.get(SupportOffer, offer_id)


def offers(
    session: Session, region: str | None = None, category: str | None = None
) -> list[SupportOffer]:
    query = select(SupportOffer).order_by(SupportOffer.region, SupportOffer.name)
    if region:
        query = query.where(SupportOffer.region == region)
    if category:
        query = query.where(SupportOffer.category == category)
    return list(session.scalars(query))
