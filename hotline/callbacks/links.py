"""The manage link of a callback booked on the web or through the API: `/rueckruf/<token>`
shows it and cancels it. Only the digest of the token is stored (`hotline.link_tokens`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline.callbacks.models import Callback
from hotline.link_tokens import holder_of

CALLBACK_PATH = "/rueckruf"


def manage_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url}{CALLBACK_PATH}/{token}"


def callback_of_link(session: Session, token: str) -> Callback | None:
    """The callback a manage link names; None for any other value."""
    callback: Callback | None = holder_of(session, Callback.token_digest, token)
    return callback
