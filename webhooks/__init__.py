"""HTTP <-> Twilio: signature check, idempotent deliveries, steps, status callbacks, fallback."""

from __future__ import annotations

from flask import Flask

from scheduling.unit import Units
from webhooks import messages, observed, signature, status, voice
from webhooks.sessions import NoSessionForTwilio


def init_app(app: Flask, units: Units) -> None:
    app.session_interface = NoSessionForTwilio()
    observed.init_app(app)  # first: the signature check's refusals are counted too
    signature.init_app(app)
    app.register_blueprint(status.blueprint)
    app.register_blueprint(messages.blueprint)
    voice.init_app(app, units)
