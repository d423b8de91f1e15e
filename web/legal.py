"""The pages every public page links to in its footer: the privacy notice `/datenschutz` and
the accessibility statement `/barrierefreiheit` (BITV 2.0); the Impressum is the
organisation's own page (IMPRINT_URL).

The privacy notice is drawn from this service's own settings, not written once and left to
drift: the `[retention]` periods, how long an appointment's contact details outlive it, and
which video service the rooms are on. The texts are in the templates beside it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, render_template
from flask.typing import ResponseReturnValue

from hotline.appointments.notices import KEPT_AFTER_THE_END
from hotline.services import services
from web.context import scheduling
from web.public_pages import common

blueprint = Blueprint("legal", __name__, template_folder="templates")


@blueprint.get("/datenschutz")
def privacy() -> ResponseReturnValue:
    return render_template("datenschutz.html", **_facts(), **common())


@blueprint.get("/barrierefreiheit")
def accessibility() -> ResponseReturnValue:
    return render_template("barrierefreiheit.html", **_facts(), **common())


def _facts() -> dict[str, Any]:
    """What the pages state about this service, as it is configured."""
    settings = services().settings
    retention = scheduling().retention
    return {
        "contact_days": retention.contact_days,
        "closed_case_days": retention.closed_case_days,
        "webhook_log_days": retention.webhook_log_days,
        "appointment_kept_days": KEPT_AFTER_THE_END.days,
        "video_host": video_host(settings.video_url_template),
        "base_url": settings.public_base_url,
        # where Twilio processes calls (TWILIO_REGION); None: its default region, the US
        "twilio_region": settings.twilio_region,
    }


def video_host(template: str) -> str:
    """The host the video rooms are on (`VIDEO_URL_TEMPLATE`): the service officials meet in."""
    return urlsplit(template.replace("{room}", "raum")).hostname or template


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
