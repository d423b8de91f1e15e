"""Whether a text is an e-mail address we can send to: one rule for the booking page, the API,
the manage page, staff accounts, the CLI and counsellors' addresses.

The syntax is checked by `email-validator` (RFC 5321/5322 and the IDNA rules, kept up to date
by others): control characters, spaces, quoted local parts, IP literals and special-use domains
such as `localhost` are refused. Whether the domain receives mail is not asked (that needs the
network, and a booking must not wait for DNS): a typo in the domain is found by the bounce."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from hotline.texts import text as catalog_text


def checked_address(text: str) -> str:
    """The address as we keep and send it, normalised (the domain in lower case, Unicode in
    NFC, an internationalised domain in its ASCII form, which every mail server takes);
    ValueError (without the address: it may be logged) if unusable."""
    try:
        valid = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(catalog_text("mail.invalid_address")) from None
    return valid.ascii_email or valid.normalized
