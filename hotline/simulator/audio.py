"""What the caller hears: `<Say>`, `<Play>`, `<Pause>` (alone, inside `<Gather>`, as hold music)."""

from __future__ import annotations

from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from hotline.simulator.documents import text_of
from hotline.simulator.session import CallSession
from hotline.simulator.transcript import EventKind

SECONDS_PER_CHARACTER = 0.08  # rough speaking rate of Twilio's voices, for CallDuration
AUDIO_VERBS = frozenset({"Say", "Play", "Pause"})


def say(session: CallSession, element: Element, document_url: str) -> None:
    text = text_of(element)
    loops = _loops(session, element)
    session.spend(SECONDS_PER_CHARACTER * len(text) * loops)
    session.emit(
        EventKind.SAY,
        text,
        language=element.get("language", "en-US"),
        voice=element.get("voice", ""),
        loop=str(loops),
    )


def play(session: CallSession, element: Element, document_url: str) -> None:
    source = text_of(element)
    url = urljoin(document_url, source) if source else ""
    session.emit(
        EventKind.PLAY,
        url,
        url=url,
        loop=str(_loops(session, element)),
        digits=element.get("digits", ""),
    )


def pause(session: CallSession, element: Element, document_url: str) -> None:
    length = session.int_attribute(element, "length", 1)
    session.spend(length)
    session.emit(EventKind.PAUSE, length=str(length))


def hear(session: CallSession, element: Element, document_url: str) -> None:
    """Plays one audio verb; `loop="0"` (repeat forever) is heard once."""
    {"Say": say, "Play": play, "Pause": pause}[element.tag](session, element, document_url)


def _loops(session: CallSession, element: Element) -> int:
    return max(session.int_attribute(element, "loop", 1), 1)
