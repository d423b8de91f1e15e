"""The application factory: the one place that wires configuration, services and blueprints."""

from __future__ import annotations

import logging
import os

from flask import Flask

from hotline import schema
from hotline.abuse.hashing import CallerHasher
from hotline.appointments.links import links_from_settings
from hotline.clock import Clock, SystemClock
from hotline.config import ConfigError, Settings, load_settings
from hotline.crypto import DataCipher
from hotline.db import Database, Role
from hotline.logs import configure_logging
from hotline.mail.mailer import Mailer, make_mailer
from hotline.outbox.kinds import WorkTools
from hotline.sections_config import SchedulingConfig, SchedulingConfigError, load_scheduling_config
from hotline.services import EXTENSION_KEY, Services, services
from hotline.telephony.gateway import ConsoleGateway, OutboundGateway, TwilioGateway
from scheduling.availability.booked_times import BookedTimes
from scheduling.unit import Units

log = logging.getLogger(__name__)
SCHEDULING_KEY = "scheduling"
# the largest request body (Flask answers 413 beyond it; deploy/nginx's client_max_body_size)
MAX_REQUEST_BYTES = 1024 * 1024
UNITS_KEY = "units"


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    gateway: OutboundGateway | None = None,
    mailer: Mailer | None = None,
    log_level: str | None = None,
    database_role: Role = Role.WEB,
) -> Flask:
    """Build the web app; raises ConfigError (with what to fix) before serving anything."""
    settings = settings or load_settings()
    scheduling = _scheduling_config(settings)
    configure_logging(
        (log_level or os.environ.get("LOG_LEVEL") or "INFO").upper(),
        readable=settings.env == "development",  # JSON lines in production and tests
    )
    schema.metadata()  # every model registered before the first query
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.env == "testing",
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    app.extensions[EXTENSION_KEY] = Services(
        settings=settings,
        database=Database(settings.database_url, database_role),
        clock=clock or SystemClock(),
        cipher=DataCipher(settings.data_keys),
        hasher=CallerHasher(settings.hash_keys),
        gateway=gateway or make_gateway(settings),
        mailer=mailer or _mailer(settings),
    )
    app.extensions[SCHEDULING_KEY] = scheduling
    svc = services(app)
    # one factory of units of work for every request of this app (and the CLI's commands)
    app.extensions[UNITS_KEY] = Units(
        svc.database,
        svc.clock,
        svc.cipher,
        scheduling,
        links_from_settings(settings),
        svc.hasher,
        listing_cache=BookedTimes(cached=True),
    )

    # wired here so that the core never imports the HTTP adapters
    import web
    import webhooks

    web.init_app(app, units_of(app), settings)
    webhooks.init_app(app, units_of(app))
    return app


def _mailer(settings: Settings) -> Mailer:
    try:
        # outside production the console prints whole mails: a developer follows their links
        return make_mailer(settings.smtp_url, whole_mails=not settings.is_production)
    except ValueError as error:
        raise ConfigError(str(error)) from error


def units_of(app: Flask) -> Units:
    """The factory of units of work of an app built here (for the CLI and the web layers)."""
    return app.extensions[UNITS_KEY]


def scheduling_config(app: Flask) -> SchedulingConfig:
    """The validated time settings of an app built here (for the CLI)."""
    return app.extensions[SCHEDULING_KEY]


def work_tools(
    app: Flask,
    *,
    gateway: OutboundGateway | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> WorkTools:
    """What the scheduler's handlers use, from an app built here: its services unless the
    caller (the simulator, a test, a benchmark) puts its own gateway, mailer or clock in."""
    svc = services(app)
    settings = svc.settings
    return WorkTools(
        gateway=gateway or svc.gateway,
        mailer=mailer or svc.mailer,
        clock=clock or svc.clock,
        database=svc.database,
        cipher=svc.cipher,
        hasher=svc.hasher,
        public_base_url=settings.public_base_url,
        hotline_number=settings.hotline_number,
        mail_from=settings.mail_from,
        scheduling=scheduling_config(app),
        appointment_links=links_from_settings(settings),
    )


def _scheduling_config(settings: Settings) -> SchedulingConfig:
    try:
        return load_scheduling_config(settings.file_config)
    except SchedulingConfigError as error:
        raise ConfigError(f"HOTLINE_CONFIG: {error}") from error


def make_gateway(settings: Settings) -> OutboundGateway:
    """Twilio when an account is configured (or a fake API is named), else the console."""
    if settings.twilio_configured or settings.twilio_api_base_url:
        return TwilioGateway(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            sender=settings.hotline_number,
            api_base_url=settings.twilio_api_base_url,
            region=settings.twilio_region,
            edge=settings.twilio_edge,
        )
    if settings.is_production:
        log.warning("no TWILIO_ACCOUNT_SID: outbound calls and SMS are only printed")
    return ConsoleGateway()
