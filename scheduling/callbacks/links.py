"""The manage link of a callback booked on the web or through the API: `/rueckruf/<token>`
shows it and cancels it. Only the digest of the token is stored (`hotline.link_tokens`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.link_tokens import digest_to_look_up, same_digest
from scheduling.callbacks.models import Callback

CALLBACK_PATH = "/rueckruf"


def manage_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url}{CALLBACK_PATH}/{token}"


def callback_of_link(session: Session, token: str) -> Callback | None:
    """The callback a manage link names; None for any other value."""
    digest = digest_to_look_up(token)
    if digest is None:
        return None
    callback = session.scalars(
        select(Callback).where(Callback.token_digest == digest)
    ).one_or_none()
    if callback is None or not same_digest(callback.token_digest or "", digest):
        return None
    return callback
