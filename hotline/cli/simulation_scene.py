"""Others on the line in a simulated call: counsellors already talking, callers already
waiting (`hotline simulate --busy MINUTES --ahead N`). Part of the simulate command (a
composition root): it writes the simulation database's rows as the routing leaves them.

So that a new user can watch the line at work: their caller joins behind the callers ahead,
hears the position go down as counsellors become free and take the callers at the head, and
is taken by the first counsellor free once it is their turn. The others are rows in the
simulation's own database, as the webhooks leave them (a counsellor's call connected, a
caller queued); their calls end the way Twilio says so, with a signed status callback, when
the simulated clock gets there. A leg the service rings for a caller ahead is accepted by its
simulated counsellor without using up the `--counsellor` behaviours, which are for legs rung
for the caller at the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from sqlalchemy import insert, select

from hotline.config import DEV_ACCOUNT_SID
from hotline.counsellors.models import Counsellor
from hotline.plurals import counted
from hotline.routing.desk import queue_name
from hotline.routing.models import CallOffer
from hotline.services import services
from hotline.simulator.session import new_sid
from hotline.simulator.transports import Transport
from hotline.telephony.gateway import OutboundCall
from hotline.telephony.models import Call
from hotline.telephony.urls import STATUS_PATH, voice_url
from hotline.texts import words

LINES = words("simulator.scene")


@dataclass
class Scene:
    app: Flask
    now: Callable[[], datetime]
    transport: Transport
    say: Callable[[str], None]
    talk: timedelta
    ends: dict[str, datetime] = field(default_factory=dict)  # a call's SID -> when it ends
    talking_with: dict[str, str] = field(default_factory=dict)  # a call's SID -> counsellor
    ahead: set[str] = field(default_factory=set)

    @classmethod
    def set_up(
        cls,
        app: Flask,
        now: Callable[[], datetime],
        transport: Transport,
        say: Callable[[str], None],
        *,
        busy_minutes: Sequence[float],
        ahead: int,
        talk_minutes: float,
    ) -> Scene:
        """Counsellors on duty (in the order of their names) talking for `busy_minutes`
        more, and `ahead` callers waiting in line, 20 s apart."""
        scene = cls(app, now, transport, say, timedelta(minutes=talk_minutes))
        at = now()
        with services(app).database.transaction() as session:
            on_duty = session.execute(
                select(Counsellor.id, Counsellor.name)
                .where(Counsellor.on_duty.is_(True))
                .order_by(Counsellor.name)
            ).all()
            if len(busy_minutes) > len(on_duty):
                raise ValueError(LINES["too_few_on_duty"].format(count=len(on_duty)))
            rows = []
            for (counsellor_id, name), minutes in zip(on_duty, busy_minutes, strict=False):
                sid = new_sid("CA")
                rows.append(_call(sid, at, counsellor_id=counsellor_id))
                scene.ends[sid] = at + timedelta(minutes=minutes)
                scene.talking_with[sid] = name
                say(LINES["busy"].format(name=name, minutes=f"{minutes:g}".replace(".", ",")))
            for number in range(ahead):
                sid = new_sid("CA")
                rows.append(_call(sid, at - timedelta(seconds=20 * (ahead - number))))
                scene.ahead.add(sid)
            if rows:
                session.execute(insert(Call), rows)
        if ahead:
            say(LINES["ahead"].format(count=counted(ahead, "Person")))
        return scene

    def around(self, dispatch: Callable[[], object]) -> Callable[[], object]:
        """The scheduler's round, after the others' calls that are over have ended."""

        def run() -> object:
            self._tick()
            return dispatch()

        return run

    def takes_a_caller_ahead(self, call: OutboundCall) -> bool:
        """A leg rung for a caller ahead (its simulated counsellor accepts)."""
        offer = parse_qs(urlsplit(call.twiml_url).query).get("offer")
        if not offer or not self.ahead:
            return False
        with services(self.app).database.transaction() as session:
            caller = session.scalar(select(CallOffer.call_sid).where(CallOffer.id == int(offer[0])))
        return caller in self.ahead

    def is_ahead(self, queue: str) -> bool:
        return any(queue == queue_name(sid) for sid in self.ahead)

    def _tick(self) -> None:
        now = self.now()
        waiting = self.ahead - set(self.ends)
        if waiting:
            with services(self.app).database.transaction() as session:
                taken = session.execute(
                    select(Call.call_sid, Call.connected_at, Counsellor.name)
                    .join(Counsellor, Counsellor.id == Call.counsellor_id)
                    .where(Call.call_sid.in_(waiting), Call.connected_at.is_not(None))
                ).all()
            for sid, connected_at, name in taken:
                self.ends[sid] = connected_at + self.talk
                self.talking_with[sid] = name
                self.say(LINES["taken"])
        for sid, end in sorted(self.ends.items(), key=lambda item: item[1]):
            if end <= now and sid in self.talking_with:
                self.say(LINES["ended"].format(name=self.talking_with.pop(sid)))
                self._ends(sid)

    def _ends(self, sid: str) -> None:
        settings = services(self.app).settings
        self.transport.request(
            "POST",
            voice_url(settings.public_base_url, STATUS_PATH),
            {
                "CallSid": sid,
                "AccountSid": DEV_ACCOUNT_SID,
                "CallStatus": "completed",
                "Direction": "inbound",
                "From": "anonymous",
                "To": settings.hotline_number,
            },
        )


def _call(sid: str, at: datetime, *, counsellor_id: int | None = None) -> dict[str, object]:
    """A caller's call as the webhooks leave it: in line, or connected to a counsellor."""
    row: dict[str, object] = {
        "call_sid": sid,
        "direction": "inbound",
        "caller_withheld": True,
        "status": "in-progress",
        "language": "de",
        "started_at": at - timedelta(minutes=1),
        "queued_at": at - timedelta(seconds=30),
    }
    if counsellor_id is not None:
        row |= {
            "counsellor_id": counsellor_id,
            "connected_at": at - timedelta(seconds=20),
            "queue_left_at": at - timedelta(seconds=20),
            "outcome": "connected",
        }
    else:
        row["queued_at"] = at
    return row
