"""The variables themselves: a production environment, nothing required missing, and
settings the service would start with (`load_settings`' ConfigError as a failed line)."""

from __future__ import annotations

from collections.abc import Mapping

from hotline.config import REQUIRED_IN_PRODUCTION, ConfigError, Settings, load_settings
from hotline.doctor.findings import Finding, Outcome, failed, ok, skipped
from hotline.texts import text


def environment_finding(environ: Mapping[str, str]) -> Finding:
    env = environ.get("HOTLINE_ENV", "production").strip().lower() or "production"
    if env == "production":
        return ok("environment", text("doctor.environment.production"))
    return failed(
        "environment",
        text("doctor.environment.not_production", env=env),
        text("doctor.environment.set_production"),
    )


def required_finding(environ: Mapping[str, str]) -> Finding:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not environ.get(name, "").strip()]
    if not missing:
        return ok(
            "required", text("doctor.required.all_set", names=", ".join(REQUIRED_IN_PRODUCTION))
        )
    return failed(
        "required",
        text("doctor.required.missing", names=", ".join(missing)),
        text("doctor.required.set_them"),
    )


def settings_finding(
    environ: Mapping[str, str], required: Finding
) -> tuple[Settings | None, Finding]:
    """The settings as the service would load them, or None and why they are refused (a
    missing variable is said once, by the `required` check)."""
    if required.outcome is Outcome.FAILED:
        return None, skipped("settings", text("doctor.missing"))
    try:
        settings = load_settings(environ)
    except ConfigError as error:
        return None, failed(
            "settings", text("doctor.settings.refused", error=error), text("doctor.settings.fix")
        )
    return settings, ok("settings", text("doctor.settings.loaded"))
