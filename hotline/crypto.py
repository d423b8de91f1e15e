"""Encryption at rest for phone numbers, e-mail addresses and stored webhook answers.

The configured keys are Fernet keys (the contract's format: 32 random bytes, URL-safe base64),
newest first. New values are sealed with AES-256-GCM under a key derived from the newest one
(HKDF-SHA256): authenticated like Fernet, but cheaper, and every value names the key that
sealed it, so `hotline keys rotate` can tell which values still need re-encrypting. Values
written as Fernet tokens by earlier versions stay readable with any configured key.

Sealed value: version byte 0x01 | key id (4 bytes) | nonce (12 bytes) | ciphertext and tag.
A Fernet token starts with "g" (0x67), so the two formats cannot be confused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEALED_V1 = 0x01
_KEY_ID_LENGTH = 4
_NONCE_LENGTH = 12
_HEADER_LENGTH = 1 + _KEY_ID_LENGTH
_HKDF_INFO = b"starke-stelle hotline: data at rest, AES-256-GCM, v1"


class InvalidDataKey(ValueError):
    """A configured data key is not a Fernet key."""


class UndecryptableValue(RuntimeError):
    """Stored ciphertext cannot be read with any configured key (a key was dropped too early)."""


def keyed_digest(secret: str, purpose: str, *parts: str) -> str:
    """A keyed hash (HMAC-SHA256, hex) of `parts` for `purpose`: for values that must be
    matched later but never read back, and that are too few to hide behind a plain hash (an IP
    address, an e-mail address). Different purposes never give the same digest."""
    message = "\x1f".join((purpose, *parts)).encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def generate_key() -> str:
    """A new key (32 random bytes, URL-safe base64), as `hotline keygen` prints it."""
    return Fernet.generate_key().decode("ascii")


def derived_key(configured: str, purpose: bytes) -> str:
    """Another key of the same form, derived from a configured one for another purpose
    (HKDF-SHA256; `purpose` keeps the derived keys of different uses apart): the key itself
    is never used for two things."""
    raw = base64.urlsafe_b64decode(configured.encode("ascii"))
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(raw)
    return base64.urlsafe_b64encode(derived).decode("ascii")


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


class _SealingKey:
    """The AES-GCM key derived from one configured key, with the id stored beside its values."""

    def __init__(self, configured: str) -> None:
        try:
            raw = base64.urlsafe_b64decode(configured.encode("ascii"))
        except (binascii.Error, ValueError) as error:  # validated before; defensive
            raise InvalidDataKey("not URL-safe base64") from error
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(raw)
        self.key_id = hashlib.sha256(b"key id\n" + derived).digest()[:_KEY_ID_LENGTH]
        self.header = bytes([SEALED_V1]) + self.key_id
        self.aead = AESGCM(derived)

    def seal(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(_NONCE_LENGTH)
        return self.header + nonce + self.aead.encrypt(nonce, plaintext, self.header)

    def open(self, sealed: bytes) -> bytes:
        nonce = sealed[_HEADER_LENGTH : _HEADER_LENGTH + _NONCE_LENGTH]
        body = sealed[_HEADER_LENGTH + _NONCE_LENGTH :]
        return self.aead.decrypt(nonce, body, sealed[:_HEADER_LENGTH])


class DataCipher:
    """Encrypts short personal values (numbers, addresses) for storage."""

    def __init__(self, keys: Sequence[str]) -> None:
        validate_keys(keys)
        self._sealing = [_SealingKey(key) for key in keys]
        self._by_id = {}
        for sealing in reversed(self._sealing):  # on an id clash the newer key wins
            self._by_id[sealing.key_id] = sealing
        self._newest = self._sealing[0]
        self._legacy = MultiFernet([Fernet(key.encode("ascii")) for key in keys])

    def encrypt(self, value: str) -> bytes:
        return self._newest.seal(value.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        token = bytes(token)
        try:
            if token[:1] == b"\x01":
                return self._open_sealed(token).decode("utf-8")
            return self._legacy.decrypt(token).decode("utf-8")
        except (InvalidToken, InvalidTag, UnicodeDecodeError) as error:
            raise UndecryptableValue(
                "stored value cannot be decrypted with the configured keys"
            ) from error

    def decrypt_or_none(self, token: bytes) -> str | None:
        """`decrypt`, but None for a value stored under a key no longer configured: pages and
        listings show such a value as unreadable and go on, instead of failing as a whole.
        (The key may be put back: nothing unreadable is overwritten on that account.)"""
        try:
            return self.decrypt(token)
        except UndecryptableValue:
            return None

    def is_current(self, token: bytes) -> bool:
        """Sealed with the newest key already: nothing for a key rotation to do."""
        return bytes(token[:_HEADER_LENGTH]) == self._newest.header

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt with the newest key (raises UndecryptableValue like `decrypt`)."""
        return self.encrypt(self.decrypt(token))

    def _open_sealed(self, token: bytes) -> bytes:
        sealing = self._by_id.get(token[1:_HEADER_LENGTH])
        if sealing is None:
            raise InvalidTag()
        return sealing.open(token)
