"""`hotline simulate`: a phone call in the terminal (or a test) that follows the service's TwiML.

A CallPlayer plays one call through a Transport (in-process or HTTP, signed like Twilio) with a
Caller (scripted for tests, interactive for the CLI) and returns the call's Transcript. In-process,
a Switchboard plays the counsellors' side too: it is the service's outbound gateway. For a booked
callback, CallbackLegs plays the counsellor's legs the service places (`--callback ID`).
"""

from hotline.simulator.callback_leg import CallbackGateway, CallbackLegs, CallbackRun, PlacedCall
from hotline.simulator.callers import (
    CALLEE_DIAL_PROMPT,
    Caller,
    FixedDialOutcome,
    InteractiveCaller,
    ScriptedCaller,
    ScriptExhausted,
)
from hotline.simulator.console import format_callback_event, format_event
from hotline.simulator.prompts import DialPrompt, DialTarget, GatherPrompt
from hotline.simulator.switchboard import Switchboard
from hotline.simulator.transcript import CallEvent, EndedBy, EventKind, RequestRecord, Transcript
from hotline.simulator.transports import (
    FlaskClientTransport,
    HttpTransport,
    Transport,
    TransportError,
    TwimlReply,
)
from hotline.simulator.twiml_player import CallPlayer

__all__ = [
    "CALLEE_DIAL_PROMPT",
    "CallEvent",
    "CallPlayer",
    "CallbackGateway",
    "CallbackLegs",
    "CallbackRun",
    "Caller",
    "DialPrompt",
    "DialTarget",
    "EndedBy",
    "EventKind",
    "FixedDialOutcome",
    "FlaskClientTransport",
    "GatherPrompt",
    "HttpTransport",
    "InteractiveCaller",
    "PlacedCall",
    "RequestRecord",
    "ScriptExhausted",
    "ScriptedCaller",
    "Switchboard",
    "Transcript",
    "Transport",
    "TransportError",
    "TwimlReply",
    "format_callback_event",
    "format_event",
]
