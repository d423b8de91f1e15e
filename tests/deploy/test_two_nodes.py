"""Two nodes, proven (issue 28): the service as it runs on two machines behind a load balancer.

Real processes on one PostgreSQL and one Redis: two gunicorn masters (two workers each) on two
ports stand for two web nodes, two `hotline scheduler` processes for the active scheduler and
its standby; the local fake Twilio server places calls and sends SMS for the scheduler and
reports on each to the nodes in turn (the next one when a node does not answer), a local SMTP
server takes the mails. Every request of a call goes to the other node than the one before
(as a load balancer may send them) while callers queue, counsellors accept, a callback is
asked for in line and placed, and appointments are booked. In the middle, while the active
scheduler is placing a counsellor's leg, it and one whole web node are killed with `kill -9`.

Afterwards: every caller was connected, is in line hearing their place, or had their
callback; every webhook was answered with TwiML (no 5xx); every leg and every SMS went to
Twilio exactly once; every booking answered 201 is stored once, a race for one time has one
winner per free counsellor, a retried booking on the other node is the same booking; the
login and booking limits counted once across both nodes, and still do on the node left.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from hotline.app import create_app
from hotline.appointments.models import Appointment
from hotline.callbacks.models import Callback, CallbackAttempt, CallbackState
from hotline.cases.models import Case
from hotline.config import load_settings
from hotline.mail.mailer import work_message_id
from hotline.outbox.models import WorkItem, WorkState
from hotline.routing.models import CallOffer
from hotline.services import Services, services
from hotline.telephony.call_log import find_call
from scheduling.scheduler import nodes
from tests.support.databases import is_postgres
from tests.support.fake_twilio import CallbackTarget, FakeTwilio
from tests.support.processes import (
    SchedulerProcesses,
    WebNode,
    kill_machine,
    run_hotline,
    wait_for,
    web_node,
)
from tests.support.smtp_server import LocalSmtpServer
from tests.support.twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_BASE_URL,
    app_environment,
    sign,
    voice_params,
)

HOTLINE = "+498003009944"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BOOKINGS_PER_CLIENT = 4
LOGINS_PER_MINUTE = 10  # web/staff/login.py's default rate
RACERS = 6  # clients booking the same time at once, three on each node
CALLERS = {name: f"+4915112340{number:03d}" for number, name in enumerate("ABCDEF")}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


def noon_somewhere() -> str:
    """A time zone in which it is about noon now, so that the line is open around the clock
    but for the last minute of a day (23:59), which is then half a day away, and there are
    free times for appointments from two hours on. The real clock, on purpose: the web nodes
    and schedulers this test starts run on it, on any day (a holiday too: see the override)."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12  # -12 .. 11 hours from UTC
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # Etc/GMT-2 is UTC+2


def configuration(timezone: str) -> str:
    days = "\n".join(f'{day} = ["00:00-23:59"]' for day in DAYS)
    return f"""
[hours]
timezone = "{timezone}"
holiday_region = ""
closures = []
[hours.weekly]
{days}

[routing]
strategy = "longest_idle"   # one counsellor per caller: whom each leg is for is plain
ring_seconds = 120
next_after_seconds = 600
max_wait_seconds = 1800
wrap_up_seconds = 0

[appointments]
bookings_per_client = "{BOOKINGS_PER_CLIENT} per hour"

[scheduler]
workers = 2
takeover_seconds = 3
lease_seconds = 4
poll_seconds = 0.05
"""


# --- the load balancer ------------------------------------------------------------------------
@dataclass
class Balancer:
    """Sends the requests of each call (or client) to the nodes in turn: the first to one
    node, the next to the other, and so on (new calls start on alternate nodes); a node that
    does not take the connection (down) is skipped, as a load balancer does. Remembers every
    answer and which node gave it."""

    nodes: list[WebNode]
    turns: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    served_by: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    answers: list[tuple[str, int, str]] = field(default_factory=list)  # (path, status, body)

    def send(
        self, key: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], str]:
        with self.lock:
            if key not in self.turns:  # a new call (or client) starts on the other node
                self.turns[key] = len(self.turns)
            turn = self.turns[key]
            self.turns[key] += 1
        for step in range(len(self.nodes)):
            index = (turn + step) % len(self.nodes)
            try:
                status, answer_headers, answer = self.nodes[index].request(
                    method, path, body, headers
                )
            except ConnectionRefusedError:
                continue  # the node is down: the next one
            self.served_by[key].append(index)
            self.answers.append((path, status, answer.decode()))
            return status, answer_headers, answer.decode()
        raise AssertionError(f"no node took {path}")

    def twilio(self, key: str, path: str, params: dict[str, str]) -> str:
        """A webhook request signed as Twilio signs it; its TwiML."""
        headers = {**FORM, "X-Twilio-Signature": sign(PUBLIC_BASE_URL + path, params)}
        status, _, body = self.send(key, "POST", path, urlencode(params).encode(), headers)
        assert status == 200, (path, status, body)
        return body


# --- the calls ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Leg:
    """A call the scheduler placed to a counsellor, as Twilio knows it."""

    sid: str
    to: str
    answer_url: str
    status_url: str
    work_id: int  # the outbox row that placed it (named in its status-callback URL)
    offer: int | None  # for a caller in line
    attempt: int | None  # for a callback

    def params(self, **extra: str) -> dict[str, str]:
        return {
            "CallSid": self.sid,
            "AccountSid": ACCOUNT_SID,
            "From": HOTLINE,
            "To": self.to,
            "Direction": "outbound-api",
            "CallStatus": "in-progress",
            "ApiVersion": "2010-04-01",
            **extra,
        }


class Phones:
    """Twilio's side of the calls: the callers' requests and the counsellors' legs."""

    def __init__(self, balancer: Balancer, fake: FakeTwilio, svc: Services) -> None:
        self.balancer, self.fake, self.svc = balancer, fake, svc
        self._legs_seen = 0

    # the callers
    def caller(self, name: str, path: str, **extra: str) -> str:
        sid = call_sid(name)
        params = voice_params(sid, CALLERS[name], CallStatus="in-progress", **extra)
        return self.balancer.twilio(sid, f"/twilio/voice/{path}", params)

    def joins_the_line(self, name: str) -> str:
        """Incoming call, German, no case number, to the line; the first wait round."""
        sid = call_sid(name)
        self.balancer.twilio(sid, "/twilio/voice/incoming", voice_params(sid, CALLERS[name]))
        self.caller(name, "intake/language", Digits="")
        self.caller(name, "intake/case-number?attempt=1", Digits="")
        assert "<Enqueue" in self.caller(name, "route")
        return self.wait_round(name, 0)

    def wait_round(self, name: str, round_number: int) -> str:
        return self.caller(
            name,
            f"queue/wait?round={round_number}",
            QueueSid="QU" + name.lower() * 32,
            QueueTime=str(round_number * 15),
            QueuePosition="1",
        )

    def asks_for_a_callback(self, name: str) -> None:
        """In line, key 1 at the offer, the own number confirmed; then the caller hangs up."""
        self.caller(name, "queue/choice?round=3", Digits="1")
        self.caller(name, "queue/result", QueueResult="leave")
        self.caller(name, "callback/start?via=queue")
        confirmed = self.caller(name, "callback/confirm?via=queue&attempt=1", Digits="1")
        assert "Wir rufen Sie so bald wie möglich an" in confirmed, confirmed
        self.hangs_up(name)

    def hangs_up(self, name: str) -> None:
        sid = call_sid(name)
        params = {
            "CallSid": sid,
            "AccountSid": ACCOUNT_SID,
            "CallStatus": "completed",
            "CallDuration": "60",
            "Direction": "inbound",
        }
        self.balancer.twilio(sid, "/twilio/voice/status", params)

    # the counsellors
    def new_legs(self, count: int, timeout: float = 30) -> list[Leg]:
        """The next `count` legs the scheduler placed, once Twilio knows their SIDs."""
        wait_for(
            lambda: len(self.fake.calls_created()) >= self._legs_seen + count,
            timeout,
            f"{count} counsellor legs to be placed",
        )
        forms = self.fake.calls_created()[self._legs_seen : self._legs_seen + count]
        self._legs_seen += count
        return [self._leg(form) for form in forms]

    def accepts(self, leg: Leg) -> str:
        """Picks up, hears the whisper, presses 1: the TwiML that bridges them."""
        self.leg_status(leg, "in-progress")
        self.balancer.twilio(leg.sid, _path(leg.answer_url), leg.params())
        path = (
            f"/twilio/voice/whisper/answer?offer={leg.offer}"
            if leg.offer is not None
            else f"/twilio/voice/callback/dial?attempt={leg.attempt}"
        )
        return self.balancer.twilio(leg.sid, path, leg.params(Digits="1"))

    def talk_ends(self, leg: Leg, name: str) -> None:
        """The caller's conversation with the counsellor ends; both legs report it."""
        self.caller(name, "queue/result", QueueResult="bridged")
        self.hangs_up(name)
        self.leg_status(leg, "completed")

    def callback_talk(self, leg: Leg) -> None:
        """The counsellor's side of a callback that reached the caller, after `accepts`."""
        dialled = "CA" + leg.sid[2:][::-1]
        path = f"/twilio/voice/callback/dialed?attempt={leg.attempt}"
        self.balancer.twilio(
            leg.sid,
            path,
            leg.params(DialCallStatus="completed", DialCallSid=dialled, DialCallDuration="95"),
        )
        child = {
            **leg.params(CallStatus="completed"),
            "CallSid": dialled,
            "ParentCallSid": leg.sid,
            "Direction": "outbound-dial",
        }
        self.balancer.twilio(dialled, "/twilio/voice/status", child)
        path = f"/twilio/voice/callback/result?attempt={leg.attempt}"
        assert "erledigt" in self.balancer.twilio(leg.sid, path, leg.params(Digits="1"))
        self.leg_status(leg, "completed")

    def leg_status(self, leg: Leg, status: str) -> None:
        self.balancer.twilio(leg.sid, _path(leg.status_url), leg.params(CallStatus=status))

    def _leg(self, form: dict[str, list[str]]) -> Leg:
        answer_url, status_url = form["Url"][0], form["StatusCallback"][0]
        query = parse_qs(urlsplit(answer_url).query)
        work_id = int(parse_qs(urlsplit(status_url).query)["work"][0])

        def sid() -> str | None:  # settled by the scheduler, or noted from Twilio's report
            with self.svc.database.transaction() as session:
                return session.scalar(select(WorkItem.reference).where(WorkItem.id == work_id))

        return Leg(
            sid=str(wait_for(sid, 30, "the leg's SID")),
            to=form["To"][0],
            answer_url=answer_url,
            status_url=status_url,
            work_id=work_id,
            offer=int(query["offer"][0]) if "offer" in query else None,
            attempt=int(query["attempt"][0]) if "attempt" in query else None,
        )


def call_sid(name: str) -> str:
    return "CA" + name.lower() * 32


def _path(url: str) -> str:
    assert url.startswith(PUBLIC_BASE_URL), url
    return url[len(PUBLIC_BASE_URL) :]


# --- the bookings --------------------------------------------------------------------------
class Bookings:
    """Officials booking on the web, each from an address of their own (X-Forwarded-For,
    as the load balancer adds it: TRUSTED_PROXIES=1)."""

    def __init__(self, balancer: Balancer) -> None:
        self.balancer = balancer
        self.booked: list[dict] = []  # the answers of 201

    def free_times(self, kind: str) -> list[str]:
        status, _, body = self.balancer.send("slots", "GET", f"/api/v1/slots?type={kind}", None, {})
        assert status == 200, body
        return [slot["start"] for slot in json.loads(body)["slots"]]

    def book(self, client: str, wish: dict, key: str | None = None) -> tuple[int, dict, str]:
        headers = {**JSON, "X-Forwarded-For": client}
        if key:
            headers["Idempotency-Key"] = key
        status, answer_headers, body = self.balancer.send(
            client, "POST", "/api/v1/appointments", json.dumps(wish).encode(), headers
        )
        if status == 201:
            self.booked.append(json.loads(body))
        return status, answer_headers, body

    def login(self, client: str) -> int:
        # no CSRF token: refused (400), but only after the limit has counted it
        headers = {**FORM, "X-Forwarded-For": client}
        body = b"email=someone%40example.org&password=wrong"
        return self.balancer.send(client, "POST", "/staff/login", body, headers)[0]


def video(start: str, number: int) -> dict:
    email = f"amt{number}@example.org"
    return {"type": "video", "start": start, "name": "Amt", "email": email, "consent": True}


def phone(start: str, number: int) -> dict:
    mobile = f"0151 2345{number:04d}"
    return {"type": "phone", "start": start, "name": "Amt", "phone": mobile, "consent": True}


# --- the set-up -----------------------------------------------------------------------------
def active_scheduler(
    svc: Services, processes: SchedulerProcesses, other_than: int = 0
) -> subprocess.Popen[bytes]:
    """The active scheduler among `processes` (not the one `other_than` names), once there
    is one."""

    def active() -> subprocess.Popen[bytes] | None:
        pids = {node.pid for node in nodes.nodes(svc.database) if node.active} - {other_than}
        return next((process for process in processes.started if process.pid in pids), None)

    return wait_for(active, 30, "an active scheduler")  # type: ignore[return-value]


def test_two_web_nodes_and_two_schedulers_lose_nothing_when_one_of_each_dies_with_kill_9(
    database_url, fake_twilio, store, smtp, tmp_path
):
    if not is_postgres(database_url):
        pytest.skip("two machines share a PostgreSQL database; a SQLite file is one machine's")
    config, zone = tmp_path / "hotline.toml", noon_somewhere()
    config.write_text(configuration(zone))
    environment = app_environment(
        database_url,
        HOTLINE_CONFIG=str(config),
        TWILIO_API_BASE_URL=fake_twilio.url,
        RATELIMIT_STORAGE_URI=store.url,
        RATELIMIT_KEY_PREFIX=store.prefix,
        TRUSTED_PROXIES="1",
        SMTP_URL=smtp.url,
        LOG_LEVEL="INFO",
    )
    for name, number in (("Anna", "+49228111111"), ("Ben", "+49228222222")):
        run_hotline(environment, "counsellor", "add", name, "--phone", number, "--on-duty")
    # open whatever the day: a nationwide holiday closes the line even with these hours
    until = f"{datetime.now(ZoneInfo(zone)) + timedelta(hours=1):%Y-%m-%d %H:%M}"
    run_hotline(environment, "hours", "set", "open", "--until", until, "--note", "Test")
    reader = create_app(load_settings(environment, instance_path=tmp_path / "reader"))
    svc = services(reader)
    schedulers = SchedulerProcesses(
        {**environment, "HOTLINE_INSTANCE_PATH": str(tmp_path / "schedulers")}, tmp_path
    )
    try:
        with ExitStack() as stack:
            web = [
                stack.enter_context(
                    web_node(
                        {**environment, "HOTLINE_INSTANCE_PATH": str(tmp_path / f"node-{n}")},
                        tmp_path / f"node-{n}.log",
                        workers=2,
                    )
                )
                for n in range(2)
            ]
            balancer = Balancer(web)
            fake_twilio.report_to = CallbackTarget(
                web[0].url, PUBLIC_BASE_URL, AUTH_TOKEN, other_base_urls=(web[1].url,)
            )
            schedulers.start()
            schedulers.start()
            active = active_scheduler(svc, schedulers)
            play(balancer, fake_twilio, smtp, svc, schedulers, active, web)
    finally:
        schedulers.stop_all()
        svc.database.dispose()


def play(
    balancer: Balancer,
    fake: FakeTwilio,
    smtp: LocalSmtpServer,
    svc: Services,
    schedulers: SchedulerProcesses,
    victim: subprocess.Popen[bytes],
    web: list[WebNode],
) -> None:
    phones, bookings = Phones(balancer, fake, svc), Bookings(balancer)

    # --- both nodes, the first scheduler: A and B are taken, C waits, D asks for a callback
    phones.joins_the_line("A")
    phones.joins_the_line("B")
    legs = {offer_caller(svc, leg): leg for leg in phones.new_legs(2)}  # one for each
    leg_a, leg_b = legs[call_sid("A")], legs[call_sid("B")]
    assert f"<Dial><Queue>caller-{call_sid('A')}</Queue></Dial>" in phones.accepts(leg_a)
    assert f"<Dial><Queue>caller-{call_sid('B')}</Queue></Dial>" in phones.accepts(leg_b)
    assert "Position 1" in phones.joins_the_line("C")
    assert "Position 2" in phones.joins_the_line("D")
    phones.asks_for_a_callback("D")

    times = bookings.free_times("video")
    contested = times[0]
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        race = list(
            pool.map(
                lambda n: bookings.book(f"198.51.100.{n}", video(contested, n))[0], range(RACERS)
            )
        )
    # Anna and Ben are free then: one each, the others are told the time is taken
    assert sorted(race) == [201, 201] + [409] * (RACERS - 2), race
    winners = [number for number, status in enumerate(race) if status == 201]
    first = bookings.book("198.51.100.20", video(times[1], 20), key="retry-1")
    again = bookings.book("198.51.100.20", video(times[1], 20), key="retry-1")  # other node
    assert (first[0], again[0]) == (201, 201), (first, again)
    assert again[1].get("Idempotent-Replayed") == "true"
    retried = json.loads(first[2])["case_reference"]
    assert bookings.book("198.51.100.21", phone(times[2], 21))[0] == 201

    spender = "203.0.113.50"  # spends its booking budget and then some, over both nodes
    spent = [bookings.book(spender, {"type": "video"})[0] for _ in range(BOOKINGS_PER_CLIENT + 2)]
    assert spent == [422] * BOOKINGS_PER_CLIENT + [429, 429], spent
    logins = [bookings.login(spender) for _ in range(LOGINS_PER_MINUTE + 2)]
    assert logins == [400] * LOGINS_PER_MINUTE + [429, 429], logins

    # --- A's talk ends: the scheduler places Anna's (or Ben's) leg for C, slowly (Twilio
    # takes a second); in that second it and node 0 die with kill -9
    fake.delay_seconds = 1.0
    placed_before = len(fake.calls_created())
    bookings.book("198.51.100.22", phone(times[3], 22))  # its SMS is on the way too
    phones.talk_ends(leg_a, "A")
    wait_for(lambda: len(fake.calls_created()) > placed_before, 20, "C's leg to be placed")
    (victim_id,) = [node.id for node in nodes.nodes(svc.database) if node.pid == victim.pid]
    victim.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    kill_machine(web[0])
    victim.wait()
    fake.delay_seconds = 0.0
    before_kill = {key: len(served) for key, served in balancer.served_by.items()}

    # --- node 1 and the standby: nothing is placed twice, everyone is served
    active_scheduler(svc, schedulers, other_than=victim.pid)  # the standby takes over
    (leg_c,) = phones.new_legs(1)
    assert offer_caller(svc, leg_c) == call_sid("C")
    # it was placed by the killed one, which died before Twilio answered: the standby took
    # the row over and, as Twilio had reported on the call, did not place it again
    (placing,) = [r for r in fake.requests if r.work_id == leg_c.work_id]
    assert killed_at < placing.received_at + 1.0
    with svc.database.transaction() as session:
        row = session.get(WorkItem, leg_c.work_id)
        assert (row.claimed_by, row.attempts) == (victim_id, 1)
    assert f"<Dial><Queue>caller-{call_sid('C')}</Queue></Dial>" in phones.accepts(leg_c)
    assert "Position 2" in phones.joins_the_line("E")  # behind D's callback
    phones.talk_ends(leg_b, "B")
    (leg_d,) = phones.new_legs(1)  # the callback keeps D's place in line
    assert leg_d.attempt is not None
    assert "<Number" in phones.accepts(leg_d)
    phones.callback_talk(leg_d)
    (leg_e,) = phones.new_legs(1)
    assert f"<Dial><Queue>caller-{call_sid('E')}</Queue></Dial>" in phones.accepts(leg_e)
    assert "Position 1" in phones.joins_the_line("F")  # both talk: F waits, and hears so
    assert "Position 1" in phones.wait_round("F", 1)

    assert bookings.book(spender, {"type": "video"})[0] == 429  # its budget outlived node 0
    assert bookings.login(spender) == 429
    assert bookings.book("198.51.100.23", video(times[4], 23))[0] == 201

    settled(svc)  # the outbox has done what it was given
    time.sleep(1)  # a leg or an SMS placed twice would show by now (lease 4 s, long over)

    # --- every call
    with svc.database.transaction() as session:
        for name in "ABCE":
            assert find_call(session, call_sid(name)).counsellor_id is not None, name
        assert find_call(session, call_sid("F")).counsellor_id is None
        case_of_d = find_call(session, call_sid("D")).case_id
        (callback,) = session.scalars(select(Callback).where(Callback.case_id == case_of_d))
        assert callback.state == CallbackState.DONE
        attempts = select(func.count()).where(CallbackAttempt.callback_id == callback.id)
        assert session.scalar(attempts) == 1
    for path, status, body in balancer.answers:
        if path.startswith("/twilio/"):
            assert status == 200 and ElementTree.fromstring(body).tag == "Response", (path, body)
    for name in "ABCDEF":  # each request to the other node while both were up, then to node 1
        served = balancer.served_by[call_sid(name)]
        cut = before_kill.get(call_sid(name), 0)
        assert all(one != other for one, other in pairwise(served[:cut])), (name, served)
        assert set(served[cut:]) <= {1}, (name, served)
    assert all(before_kill.get(call_sid(name), 0) >= 5 for name in "ABCD"), before_kill

    # --- every leg and every SMS once
    assert len(fake.calls_created()) == 5  # A, B, C, D's callback, E
    per_item = fake.requests_per_work_item()
    assert [item for item, count in per_item.items() if count != 1] == [], per_item
    sms = fake.messages_sent()
    assert len(sms) == 3, sms  # D's callback, the two phone appointments' confirmations
    assert fake.callbacks_sent == 5 + 3  # Twilio's reports all arrived, at node 1 after the kill

    # --- every booking once, and its mail at least once (README: mail is at-least-once)
    with svc.database.transaction() as session:
        stored = Counter(
            session.scalars(
                select(Case.reference).join(Appointment, Appointment.case_id == Case.id)
            )
        )
    answered = Counter(booking["case_reference"] for booking in bookings.booked)
    assert answered[retried] == 2  # the retry: the same booking
    assert set(stored) == set(answered) and set(stored.values()) == {1}, (stored, answered)
    assert len(stored) == 6
    with svc.database.transaction() as session:  # nobody has two appointments at one time
        taken = session.execute(select(Appointment.counsellor_id, Appointment.start)).all()
    assert len(set(taken)) == len(taken) == 6, taken
    with svc.database.transaction() as session:
        mail_rows = session.execute(
            select(WorkItem.id, WorkItem.idempotency_key).where(WorkItem.kind == "send_mail")
        ).all()
    sender = svc.settings.mail_from
    queued = {work_message_id(row.id, row.idempotency_key, sender) for row in mail_rows}
    arrived = {mail.message["Message-ID"] for mail in smtp.received}
    assert queued == arrived and len(queued) >= 4  # every mail at least once, no stray one
    for address in [f"amt{n}@example.org" for n in winners] + ["amt20@example.org"]:
        assert [mail for mail in smtp.received if address in mail.recipients], address


def offer_caller(svc: Services, leg: Leg) -> str:
    with svc.database.transaction() as session:
        return session.get(CallOffer, leg.offer).call_sid


def settled(svc: Services) -> None:
    """Waits until no row is due or running; then none may be dead."""

    def idle() -> bool:
        with svc.database.transaction() as session:
            open_rows = session.scalar(
                select(func.count())
                .select_from(WorkItem)
                .where(
                    WorkItem.state.in_((WorkState.PENDING, WorkState.RUNNING, WorkState.FAILED)),
                    WorkItem.kind.in_(("place_call", "send_sms", "send_mail")),
                )
            )
            return open_rows == 0

    wait_for(idle, 30, "the outbox to be done")
    with svc.database.transaction() as session:
        dead = session.scalars(select(WorkItem.kind).where(WorkItem.state == WorkState.DEAD))
        assert list(dead) == []
