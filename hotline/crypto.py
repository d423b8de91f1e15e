"""Encryption at rest for phone numbers and e-mail addresses.

Fernet keys, newest first: the newest encrypts, all of them decrypt, so a key can be rotated
by prepending a new one and re-encrypting at leisure.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class InvalidDataKey(ValueError):
    """A configured data key is not a Fernet key."""


class UndecryptableValue(RuntimeError):
    """Stored ciphertext cannot be read with any configured key (a key was dropped too early)."""


def generate_key() -> str:
    """A new Fernet key (32 random bytes, URL-safe base64), as `hotline keygen` prints it."""
    return Fernet.generate_key().decode("ascii")


def validate_keys(keys: Sequence[str]) -> None:
    if not keys:
        raise InvalidDataKey("no key given; `hotline keygen` prints a new one")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as error:
            raise InvalidDataKey(
                f"key {position} is not a Fernet key (32 bytes, URL-safe base64); "
                "`hotline keygen` prints a valid one"
            ) from error


class DataCipher:
    """Encrypts short personal values (numbers, addresses) for storage."""

    def __init__(self, keys: Sequence[str]) -> None:
        validate_keys(keys)
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])

    def encrypt(self, value: str) -> bytes:
        return self._fernet.encrypt(value.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(token)).decode("utf-8")
        except InvalidToken as error:
            raise UndecryptableValue(
                "stored value cannot be decrypted with the configured keys"
            ) from error

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt with the newest key (for a key rotation job)."""
        return self._fernet.rotate(bytes(token))
