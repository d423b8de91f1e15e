"""The `hotline scheduler` process: standby until it holds the lead, then it does the work.

While active it runs three things: the dispatcher (its own thread, woken by new work), a
heartbeat that renews the lead and tells the database it is alive (its own thread), and
APScheduler's BackgroundScheduler for the periodic jobs (its own threads). This thread only
waits for the heartbeat to end, which it does when the lead is lost or the process is asked to
stop; then all three end and the process waits as a standby again (or exits).

Stopping is one event (`_stop`) that nothing can miss: a signal may come at any moment,
also while APScheduler is still writing its jobs at start, before it counts as running. (An
earlier version ran a BlockingScheduler in this thread and shut it down from the signal
handler only if it was already running; a SIGTERM in that window was lost and the process
never ended.)
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from hotline.outbox.kinds import WorkKinds, WorkTools
from hotline.scheduler.config import SchedulerConfig
from hotline.scheduler.models import JOBS_TABLE
from scheduling.scheduler import jobs, nodes
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.leadership import Leadership, make_leadership
from scheduling.scheduler.wakers import make_waker

log = logging.getLogger(__name__)
MISFIRE_GRACE_SECONDS = 60


@dataclass
class SchedulerProcess:
    tools: WorkTools
    kinds: WorkKinds
    config: SchedulerConfig
    node: str = field(default_factory=nodes.new_node_id)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Until `request_stop()`: standby, and active whenever the lead is ours."""
        database, clock = self.tools.database, self.tools.clock
        nodes.register(database, self.node, clock.now())
        leadership = make_leadership(database, self.node, clock, self.config.leadership_lease)
        log.info("scheduler started", extra={"node": self.node})
        try:
            while not self._stop.is_set():
                if leadership.try_acquire():
                    log.info("scheduler is the active one", extra={"node": self.node})
                    self._serve(leadership)
                    continue
                nodes.heartbeat(
                    database,
                    self.node,
                    clock.now(),
                    active=False,
                    forget_after=self.config.forget_node_after,
                )
                self._stop.wait(self.config.standby_poll_seconds)
        finally:
            leadership.release()
            nodes.unregister(database, self.node)
            log.info("scheduler stopped", extra={"node": self.node})

    def request_stop(self) -> None:
        """From a signal handler or another thread: end soon, finishing the work in hand.
        Only sets an event, so it is safe at any moment (a signal handler must not take locks
        the interrupted code may hold)."""
        self._stop.set()

    def _serve(self, leadership: Leadership) -> None:
        # this turn as the active one is over: a stop, a lost lead or an error
        turn_over = threading.Event()
        dispatcher = Dispatcher(self.kinds, self.tools, self.config, self.node)
        waker = make_waker(self.tools.database, self.config.poll_seconds)
        scheduler = self._periodic_jobs(dispatcher)

        def keep_going() -> bool:
            return not self._stop.is_set() and not turn_over.is_set()

        def keep_the_lead() -> None:
            try:
                while keep_going():
                    if not leadership.still_held():
                        log.error(
                            "scheduler lost the lead; back to standby", extra={"node": self.node}
                        )
                        break
                    self._say_alive()
                    self._stop.wait(self.config.heartbeat_seconds)
            finally:
                turn_over.set()  # whatever ended the loop (also an error) ends this turn
                waker.wake()

        heartbeat = threading.Thread(target=keep_the_lead, name="heartbeat", daemon=True)
        worker = threading.Thread(
            target=dispatcher.run, args=(keep_going, waker.wait), name="dispatcher", daemon=True
        )
        try:
            dispatcher.recover()  # a predecessor's unfinished rows, once their leases are over
            heartbeat.start()
            worker.start()
            if keep_going():
                scheduler.start()
            turn_over.wait()  # set by the heartbeat thread when it ends, for a stop or a lost lead
        finally:
            turn_over.set()
            waker.wake()
            if scheduler.running:
                scheduler.shutdown(wait=True)  # a periodic job in hand is finished, not cut off
            for thread in (heartbeat, worker):
                if thread.is_alive():
                    thread.join()
            waker.close()
            dispatcher.close()
            jobs.bind(None)

    def _say_alive(self) -> None:
        """The heartbeat row the status command reads. A failed write is logged, not fatal:
        the lead itself is kept by `leadership.still_held()`."""
        try:
            nodes.heartbeat(
                self.tools.database,
                self.node,
                self.tools.clock.now(),
                active=True,
                forget_after=self.config.forget_node_after,
            )
        except Exception:
            log.exception("cannot write the scheduler heartbeat", extra={"node": self.node})

    def _periodic_jobs(self, dispatcher: Dispatcher) -> BackgroundScheduler:
        jobs.bind(jobs.JobContext(dispatcher))
        scheduler = BackgroundScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(
                    engine=self.tools.database.engine, tablename=JOBS_TABLE
                )
            },
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
            timezone=UTC,
        )
        for job in jobs.periodic_jobs(self.config.lease_seconds, self.tools.scheduling.retention):
            first = {"next_run_time": datetime.now(UTC)} if job.run_at_start else {}
            scheduler.add_job(
                job.function,
                "interval",
                seconds=job.seconds,
                id=job.id,
                replace_existing=True,
                **first,
            )
        return scheduler
