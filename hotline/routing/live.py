"""The line as people watch it: who waits (position, since when, language, case) and what
every counsellor is doing, since when. For the console's *Heute* (which updates itself) and
`hotline queue`. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from hotline.routing.line import the_line
from hotline.routing.states import CounsellorNow, counsellors_now


@dataclass(frozen=True)
class Waiting:
    position: int
    kind: str  # "caller" or "callback"
    since: datetime
    waited_seconds: int
    language: str
    case_reference: str | None


@dataclass(frozen=True)
class LineNow:
    at: datetime
    waiting: list[Waiting]
    counsellors: list[CounsellorNow]

    @property
    def on_duty(self) -> list[CounsellorNow]:
        return [c for c in self.counsellors if c.on_duty]

    def state_of(self, counsellor_id: int | None) -> CounsellorNow | None:
        return next((c for c in self.counsellors if c.id == counsellor_id), None)


def line_now(session: Session, now: datetime) -> LineNow:
    waiting = [
        Waiting(
            position,
            entry.kind,
            entry.since,
            int(entry.waited(now)),
            entry.language,
            entry.case_reference,
        )
        for position, entry in enumerate(the_line(session, with_offers=False), start=1)
    ]
    return LineNow(now, waiting, counsellors_now(session, now))
