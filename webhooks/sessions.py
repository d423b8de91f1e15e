"""Twilio's requests carry no cookie and need no session: skip opening and saving one.

Flask opens the signed-cookie session on every request; for the webhooks that is work (a
serializer built, headers read) on the path of every call step, for nothing.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from hotline.telephony.urls import TWILIO_PREFIX


class NoSessionForTwilio(SecureCookieSessionInterface):
    """The usual cookie session everywhere but below /twilio/."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path.startswith(TWILIO_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if self.is_null_session(session):
            return
        super().save_session(app, session, response)
