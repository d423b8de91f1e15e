"""Turning a webhook answer into a TwiML document, failing the way Twilio fails.

Twilio checks the whole answer before it plays a single verb: a bad status, content type,
XML or an unknown verb makes the call an "application error" (or goes to the fallback URL).
"""

from __future__ import annotations

from xml.etree import ElementTree

from hotline.simulator.transports import TwimlReply

TWIML_CONTENT_TYPES = frozenset({"text/xml", "application/xml", "text/html"})
PLAYED_VERBS = frozenset(
    {"Say", "Play", "Pause", "Gather", "Redirect", "Dial", "Enqueue", "Hangup", "Reject"}
    | {"Leave", "Record"}
)
# Real TwiML the simulator does not act out; they are reported, not treated as errors.
OTHER_TWILIO_VERBS = frozenset(
    {"Connect", "Echo", "Pay", "Prompt", "Refer", "Start", "Stop", "Sms", "Message"}
)
ALLOWED_CHILDREN = {
    "Gather": frozenset({"Say", "Play", "Pause"}),
    "Dial": frozenset(
        {"Number", "Client", "Queue", "Sip", "Conference", "Application", "WhatsApp"}
    ),
}


class TwimlError(Exception):
    """A Twilio error that ends TwiML processing; `code` is Twilio's error code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def parse_reply(reply: TwimlReply) -> ElementTree.Element:
    """The `<Response>` element of a webhook answer, or TwimlError as Twilio would report it."""
    if not 200 <= reply.status < 300:
        raise TwimlError(11200, f"HTTP retrieval failure: status {reply.status}")
    mimetype = reply.content_type.split(";")[0].strip().lower()
    if mimetype not in TWIML_CONTENT_TYPES:
        raise TwimlError(12300, f"Invalid Content-Type: {reply.content_type or '(none)'}")
    try:
        root = ElementTree.fromstring(reply.body.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise TwimlError(12100, f"Document parse failure: {exc}") from exc
    if root.tag != "Response":
        raise TwimlError(12100, f"Document parse failure: root element <{root.tag}>")
    for verb in root:
        _check_verb(verb)
    return root


def _check_verb(verb: ElementTree.Element) -> None:
    if verb.tag not in PLAYED_VERBS | OTHER_TWILIO_VERBS:
        raise TwimlError(12100, f"Document parse failure: unknown verb <{verb.tag}>")
    allowed = ALLOWED_CHILDREN.get(verb.tag)
    if allowed is None:
        return
    for child in verb:
        if child.tag not in allowed:
            raise TwimlError(12100, f"Document parse failure: <{child.tag}> inside <{verb.tag}>")


def text_of(element: ElementTree.Element) -> str:
    """Element text including SSML children, whitespace collapsed as a listener hears it."""
    return " ".join("".join(element.itertext()).split())
