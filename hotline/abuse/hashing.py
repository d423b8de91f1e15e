"""Keyed hashes of callers' numbers and bookers' addresses: matched, never read back.

A block, the count of a number's calls and the count of an address's open bookings need to
recognise a value again without keeping it. A plain hash would not do: there are too few
phone numbers to hide behind one (every German mobile number can be hashed in an afternoon).
So the hash is an HMAC-SHA256 under a key of its own (`HOTLINE_HASH_KEY`, not the data key:
a leaked hash key reveals no stored value, a leaked data key matches no block).

Rotation: the keys are configured newest first, like the data keys. New hashes are made with
the newest; a value is matched by its hashes under every configured key, so blocks made
before a rotation still match (the hashes cannot be re-made: nobody knows the numbers). An
old key is dropped once its blocks have expired (at most `[abuse] max_block_days`) and the
calls it counted are older than `new_number_days`; `hotline block list` names the key each
block was made under.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from hotline.crypto import validate_keys

NUMBER, EMAIL = "caller number", "booking e-mail address"
_KEY_ID_BYTES = 4


class CallerHasher:
    """HMACs under the configured hash keys, newest first."""

    def __init__(self, keys: Sequence[str]) -> None:
        validate_keys(keys)
        self._keys = tuple(key.encode("ascii") for key in keys)
        self.key_ids = tuple(
            hashlib.sha256(b"hash key id\n" + key).hexdigest()[: 2 * _KEY_ID_BYTES]
            for key in self._keys
        )

    @property
    def newest_key_id(self) -> str:
        return self.key_ids[0]

    def number(self, e164: str) -> str:
        """The hash of a number (E.164, as Twilio sends it) under the newest key."""
        return self._digest(self._keys[0], NUMBER, e164.strip())

    def number_hashes(self, e164: str) -> tuple[str, ...]:
        """Its hashes under every configured key, for matching (newest first)."""
        value = e164.strip()
        return tuple(self._digest(key, NUMBER, value) for key in self._keys)

    def email(self, address: str) -> str:
        return self._digest(self._keys[0], EMAIL, _normal_address(address))

    def email_hashes(self, address: str) -> tuple[str, ...]:
        value = _normal_address(address)
        return tuple(self._digest(key, EMAIL, value) for key in self._keys)

    @staticmethod
    def _digest(key: bytes, purpose: str, value: str) -> str:
        message = f"{purpose}\x1f{value}".encode("utf-8", "surrogatepass")
        return hmac.new(key, message, hashlib.sha256).hexdigest()


def _normal_address(address: str) -> str:
    """One address however it is typed: "Anna@Example.org " is "anna@example.org"."""
    return address.strip().lower()
