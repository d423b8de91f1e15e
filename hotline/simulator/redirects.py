"""`<Redirect>`: continue with another document, in the call's main flow or while it waits."""

from __future__ import annotations

from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from hotline.simulator.documents import text_of
from hotline.simulator.session import CallSession, Fetch
from hotline.simulator.transcript import EventKind


def redirect(session: CallSession, element: Element, document_url: str) -> Fetch:
    target = urljoin(document_url, text_of(element))
    session.emit(EventKind.REDIRECT, url=target)
    return Fetch(element.get("method", "POST").upper(), target)
