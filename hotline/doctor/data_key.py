"""HOTLINE_DATA_KEY: every key of the rotation list parses and seals and opens a value, and
the values stored in the database open with the keys configured (a sample of each column)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, select

from hotline.crypto import DataCipher, InvalidDataKey, validate_keys
from hotline.doctor.findings import Finding, failed, ok, skipped
from hotline.schema import encrypted_columns
from hotline.texts import text

SAMPLE_PER_COLUMN = 20  # the newest values of each encrypted column
_PROBE = "+49800000000"


def data_key_finding(environ: Mapping[str, str], production: bool) -> Finding:
    """The keys as configured; none in development is fine (one is generated in instance/)."""
    keys = [key.strip() for key in environ.get("HOTLINE_DATA_KEY", "").split(",") if key.strip()]
    if not keys:
        return skipped("data_key", text("doctor.missing" if production else "doctor.data_key.none"))
    try:
        validate_keys(keys)
    except InvalidDataKey as error:
        return failed(
            "data_key", text("doctor.data_key.invalid", error=error), text("doctor.data_key.keygen")
        )
    twice = [position for position, key in enumerate(keys, start=1) if key in keys[: position - 1]]
    if twice:
        return failed(
            "data_key",
            text("doctor.data_key.duplicate", positions=", ".join(map(str, twice))),
            text("doctor.data_key.remove_duplicate"),
        )
    for position, key in enumerate(keys, start=1):
        cipher = DataCipher([key])
        if cipher.decrypt(cipher.encrypt(_PROBE)) != _PROBE:  # pragma: no cover - defensive
            return failed(
                "data_key",
                text("doctor.data_key.unusable", position=position),
                text("doctor.data_key.keygen"),
            )
    return ok("data_key", text("doctor.data_key.usable", count=len(keys)))


def stored_values_finding(connection: Connection, keys: Sequence[str]) -> Finding:
    """The newest values of every encrypted column: each must open with a configured key;
    values the newest key did not seal are waiting for `hotline keys rotate`."""
    cipher = DataCipher(keys)
    read = unreadable = older = 0
    for column in encrypted_columns():
        (key,) = column.table.primary_key.columns
        query = select(column).where(column.is_not(None)).order_by(key.desc())
        for token in connection.scalars(query.limit(SAMPLE_PER_COLUMN)):
            read += 1
            if cipher.decrypt_or_none(token) is None:
                unreadable += 1
            elif not cipher.is_current(token):
                older += 1
    if unreadable:
        return failed(
            "stored_values",
            text("doctor.stored_values.unreadable", unreadable=unreadable, read=read),
            text("doctor.stored_values.put_key_back"),
        )
    if older:
        return ok("stored_values", text("doctor.stored_values.older", older=older, read=read))
    return ok("stored_values", text("doctor.stored_values.readable", read=read))
