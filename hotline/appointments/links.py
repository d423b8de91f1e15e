"""The addresses an appointment is reached by: the manage page, the `.ics`, the video room,
the counsellor's feed. One place, so the web routes, the mails and the API agree."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.config import Settings
from hotline.mail.mailer import sender_domain

BOOKING_PATH = "/termin"  # the booking page; /termin/<token> manages one appointment
ICS_NAME = "termin.ics"
FEED_PREFIX = "/kalender"  # /kalender/<token>.ics: a counsellor's subscribable feed


@dataclass(frozen=True)
class AppointmentLinks:
    public_base_url: str
    video_url_template: str  # with {room}
    mail_from: str
    contact_email: str

    @property
    def mail_domain(self) -> str:
        return sender_domain(self.mail_from)

    def video_url(self, room: str) -> str:
        return self.video_url_template.replace("{room}", room)

    def manage_url(self, token: str) -> str:
        return f"{self.public_base_url}{BOOKING_PATH}/{token}"

    def ics_url(self, token: str) -> str:
        return f"{self.manage_url(token)}/{ICS_NAME}"

    def feed_url(self, token: str) -> str:
        return f"{self.public_base_url}{FEED_PREFIX}/{token}.ics"


def links_from_settings(settings: Settings) -> AppointmentLinks:
    return AppointmentLinks(
        public_base_url=settings.public_base_url,
        video_url_template=settings.video_url_template,
        mail_from=settings.mail_from,
        contact_email=settings.contact_email,
    )
