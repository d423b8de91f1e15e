"""A counsellor's calendar feed: their appointments (video and phone) and the callbacks they
took, by case reference only — no names, numbers or e-mail addresses ever leave in a feed.

The feed's URL holds a secret token; only its sha256 is stored, so the URL is shown once when
made (`hotline counsellor feed NAME --renew`) and a renewal makes the old URL stop working.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hotline.appointments.calendar import FeedEntry, feed_ics
from hotline.appointments.links import AppointmentLinks
from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import Callback, CallbackAttempt
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.counsellors.models import Counsellor
from hotline.link_tokens import holder_of, new_link_token, token_digest
from hotline.sections_config import SchedulingConfig
from hotline.texts import text

FEED_PAST = timedelta(days=30)  # how far back the feed looks


def renew_feed_token(session: Session, counsellor: Counsellor) -> str:
    """A new secret for the counsellor's feed; the old URL stops working."""
    token = new_link_token()
    counsellor.feed_token_digest = token_digest(token)
    return token


def counsellor_for_feed(session: Session, token: str) -> Counsellor | None:
    counsellor: Counsellor | None = holder_of(session, Counsellor.feed_token_digest, token)
    return counsellor


def counsellor_feed(
    session: Session,
    counsellor: Counsellor,
    now: datetime,
    scheduling: SchedulingConfig,
    links: AppointmentLinks,
) -> str:
    since = now - FEED_PAST
    entries = []
    for appointment_id, uid, start, end, room, reference in session.execute(
        select(
            Appointment.id,
            Appointment.uid,
            Appointment.start,
            Appointment.end,
            Appointment.room,
            Case.reference,
        )
        .join(Case, Case.id == Appointment.case_id)
        .where(
            Appointment.counsellor_id == counsellor.id,
            Appointment.state == AppointmentState.BOOKED,
            Appointment.end >= since,
        )
        .order_by(Appointment.start)
    ):
        shown = display_case_reference(reference)
        # a phone appointment (no room): the service rings the counsellor then
        said = "phone" if room is None else "appointment"
        room_url = None if room is None else links.video_url(room)
        described = {"reference": shown, "appointment_id": appointment_id}
        entries.append(
            FeedEntry(
                uid=uid,
                start=start,
                end=end,
                summary=text(f"appointments.feed.{said}_summary", reference=shown),
                description=text(
                    f"appointments.feed.{said}_description",
                    **described,
                    **({"room_url": room_url} if room_url else {}),
                ),
                room_url=room_url,
            )
        )
    slot = scheduling.callbacks.slot
    for callback_id, started, reference in session.execute(
        select(Callback.id, CallbackAttempt.started_at, Case.reference)
        .join(CallbackAttempt, CallbackAttempt.callback_id == Callback.id)
        .outerjoin(Case, Case.id == Callback.case_id)
        .outerjoin(Appointment, Appointment.id == Callback.appointment_id)
        .where(
            CallbackAttempt.counsellor_id == counsellor.id,
            CallbackAttempt.started_at >= since,
            # the call of their own phone appointment: the appointment is in the feed already
            or_(Appointment.id.is_(None), Appointment.counsellor_id != counsellor.id),
        )
        .order_by(CallbackAttempt.started_at)
    ):
        shown = (
            display_case_reference(reference)
            if reference
            else text("appointments.feed.no_reference")
        )
        entries.append(
            FeedEntry(
                uid=f"rueckruf-{callback_id}-{int(started.timestamp())}@starkestelle.de",
                start=started,
                end=started + slot,
                summary=text("appointments.feed.callback_summary", reference=shown),
                description=text("appointments.feed.callback_description", reference=shown),
            )
        )
    # the display name, not the full one: the feed is read without a login, by its URL alone
    name = text("appointments.feed.name", counsellor=counsellor.shown_name)
    return feed_ics(name, entries, now, scheduling.hours.timezone)
