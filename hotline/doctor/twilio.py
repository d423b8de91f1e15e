"""Twilio: the account's credentials (one read-only request through the service's own
client) and the hotline number's webhook URLs, which must be exactly the service's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from hotline.config import Settings
from hotline.doctor.findings import Finding, Outcome, failed, ok, skipped
from hotline.telephony.gateway import twilio_client
from hotline.telephony.phone_numbers import mask
from hotline.telephony.urls import FALLBACK_PATH, INCOMING_STEP, STATUS_PATH, voice_url
from hotline.texts import text

CHECKS = ("twilio_account", "twilio_number")


@dataclass(frozen=True)
class Expected:
    """One setting of the number at Twilio and the value it must have."""

    field: str  # the attribute of Twilio's IncomingPhoneNumber
    label: str  # the setting's name in Twilio's console
    value: str


def expected_settings(public_base_url: str) -> list[Expected]:
    """README, "Pointing a Twilio number at it"."""
    return [
        Expected("voice_url", "A call comes in", voice_url(public_base_url, INCOMING_STEP)),
        Expected("voice_method", "A call comes in (method)", "POST"),
        Expected(
            "voice_fallback_url", "Primary handler fails", voice_url(public_base_url, FALLBACK_PATH)
        ),
        Expected("voice_fallback_method", "Primary handler fails (method)", "POST"),
        Expected("status_callback", "Call status changes", voice_url(public_base_url, STATUS_PATH)),
        Expected("status_callback_method", "Call status changes (method)", "POST"),
    ]


def twilio_findings(settings: Settings, *, offline: bool, timeout: float) -> list[Finding]:
    if offline:
        return [skipped(check, text("doctor.twilio.offline")) for check in CHECKS]
    if not settings.twilio_configured:
        return [
            failed(
                "twilio_account",
                text("doctor.twilio.not_configured"),
                text("doctor.twilio.configure"),
            ),
            skipped("twilio_number", text("doctor.twilio.account_needed")),
        ]
    client = twilio_client(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        settings.twilio_api_base_url,
        region=settings.twilio_region,
        edge=settings.twilio_edge,
        timeout=timeout,
    )
    account = _account_finding(client, settings)
    if account.outcome is not Outcome.OK:
        return [account, skipped("twilio_number", text("doctor.twilio.account_needed"))]
    return [account, _number_finding(client, settings)]


def _account_finding(client: Client, settings: Settings) -> Finding:
    try:
        account = client.api.v2010.accounts(settings.twilio_account_sid).fetch()
    except TwilioRestException as error:
        return _refused("twilio_account", error)
    except (TwilioException, OSError) as error:
        return _unreachable("twilio_account", error)
    if account.status != "active":
        return failed(
            "twilio_account",
            text("doctor.twilio.account_inactive", status=account.status),
            text("doctor.twilio.account_activate"),
        )
    return ok("twilio_account", text("doctor.twilio.account_ok", where=_where(settings)))


def _number_finding(client: Client, settings: Settings) -> Finding:
    number = settings.hotline_number
    try:
        listed = client.api.v2010.accounts(settings.twilio_account_sid).incoming_phone_numbers.list(
            phone_number=number, limit=20
        )
    except TwilioRestException as error:
        return _refused("twilio_number", error)
    except (TwilioException, OSError) as error:
        return _unreachable("twilio_number", error)
    mine = [entry for entry in listed if entry.phone_number == number]
    if not mine:
        return failed(
            "twilio_number",
            text("doctor.twilio.number_not_found", number=mask(number)),
            text("doctor.twilio.number_check"),
        )
    return _compare(mine[0], settings.public_base_url, mask(number))


def _compare(entry: Any, public_base_url: str, masked: str) -> Finding:
    if getattr(entry, "voice_application_sid", None) or getattr(entry, "trunk_sid", None):
        return failed(
            "twilio_number",
            text("doctor.twilio.number_uses_app", number=masked),
            text("doctor.twilio.number_remove_app"),
        )
    wrong = [
        expected
        for expected in expected_settings(public_base_url)
        if (getattr(entry, expected.field, None) or "").strip() != expected.value
    ]
    if not wrong:
        return ok("twilio_number", text("doctor.twilio.number_ok", number=masked))
    found = "; ".join(
        text(
            "doctor.twilio.setting_found",
            label=expected.label,
            found=_shown(getattr(entry, expected.field, None)),
        )
        for expected in wrong
    )
    to_set = "; ".join(
        text("doctor.twilio.setting_to_set", label=expected.label, value=expected.value)
        for expected in wrong
    )
    return failed(
        "twilio_number",
        text("doctor.twilio.number_elsewhere", number=masked, found=found),
        text("doctor.twilio.number_set", settings=to_set),
    )


def _refused(check: str, error: TwilioRestException) -> Finding:
    if error.status == 401:
        return failed(check, text("doctor.twilio.unauthorized"), text("doctor.twilio.credentials"))
    if error.status == 404:
        return failed(
            check, text("doctor.twilio.unknown_account"), text("doctor.twilio.credentials")
        )
    return failed(
        check,
        text("doctor.twilio.answered", status=error.status, code=error.code),
        text("doctor.twilio.try_later"),
    )


def _unreachable(check: str, error: Exception) -> Finding:
    return failed(
        check,
        text("doctor.twilio.unreachable", error=type(error).__name__),
        text("doctor.twilio.network"),
    )


def _where(settings: Settings) -> str:
    if settings.twilio_region or settings.twilio_edge:
        return text(
            "doctor.twilio.region",
            region=settings.twilio_region or "us1",
            edge=settings.twilio_edge or "-",
        )
    return text("doctor.twilio.default_region")


def _shown(value: str | None) -> str:
    """A URL Twilio holds, without a user name or password that may be in it."""
    if not value:
        return text("doctor.twilio.empty")
    parts = urlsplit(value)
    if "@" not in parts.netloc:
        return value
    return parts._replace(netloc="•••@" + parts.netloc.rpartition("@")[2]).geturl()
