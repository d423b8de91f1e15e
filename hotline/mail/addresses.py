"""Whether a text is an e-mail address we can send to: one rule for the booking page, the API,
the CLI and counsellors' addresses. Deliberately plain (no quoted local parts, no IP
literals): a typo should be caught, an unusual but real address still accepted."""

from __future__ import annotations

import re

LONGEST = 254
_ADDRESS = re.compile(
    r"^[^@\s\"<>,;:()\[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$"
)


def checked_address(text: str) -> str:
    """The address without surrounding blanks; ValueError (without the address) if unusable."""
    address = text.strip()
    if len(address) > LONGEST or not _ADDRESS.match(address):
        raise ValueError("not an e-mail address")
    return address
