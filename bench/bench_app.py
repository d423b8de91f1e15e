"""The app gunicorn serves for the benchmark: the real app plus a bare baseline route.

`POST /bench/bare` answers fixed TwiML (no database, no signature, no logging), so the
difference between it and `/twilio/voice/incoming` is what the webhook itself costs on the
same server, with the same gunicorn settings, in the same run.
"""

from __future__ import annotations

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

from hotline.app import create_app

BARE_PATH = "/bench/bare"
TWIML_TYPE = "text/xml; charset=utf-8"


def _fixed_twiml() -> bytes:
    """About the size of the greeting's TwiML (~500 bytes), built once."""
    response = VoiceResponse()
    response.say(
        "Hallo, hier ist die starke Stelle. Schön, dass du anrufst. Alles, was du uns sagst, "
        "bleibt vertraulich. Für Englisch drücke die 9. For English, press 9. "
        "Wenn du in akuter Gefahr bist, wähle bitte sofort die 110.",
        language="de-DE",
    )
    response.say(
        "Bitte bleib dran, gleich geht es weiter. Please stay on the line.", language="de-DE"
    )
    return str(response).encode("utf-8")


BARE_TWIML = _fixed_twiml()


def bare() -> Response:
    return Response(BARE_TWIML, 200, content_type=TWIML_TYPE)


app = create_app()
app.add_url_rule(BARE_PATH, "bench_bare", bare, methods=["POST"])
