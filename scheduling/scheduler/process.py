"""The `hotline scheduler` process: standby until it holds the lead, then it does the work.

While active it runs three things: the dispatcher (its own thread, woken by new work), a
heartbeat that renews the lead and tells the database it is alive (its own thread), and
APScheduler's BlockingScheduler for the periodic jobs (this thread). When the lead is lost or
the process is asked to stop, all three end and the process waits as a standby again (or
exits).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler

from scheduling.outbox.kinds import WorkKinds, WorkTools
from scheduling.scheduler import jobs, nodes
from scheduling.scheduler.config import SchedulerConfig
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.leadership import Leadership, make_leadership
from scheduling.scheduler.models import JOBS_TABLE
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
    _running: BlockingScheduler | None = None

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
                nodes.heartbeat(database, self.node, clock.now(), active=False)
                self._stop.wait(self.config.standby_poll_seconds)
        finally:
            leadership.release()
            nodes.unregister(database, self.node)
            log.info("scheduler stopped", extra={"node": self.node})

    def request_stop(self) -> None:
        """From a signal handler or another thread: end soon, finishing the work in hand."""
        self._stop.set()
        running = self._running
        if running is not None and running.running:
            running.shutdown(wait=False)

    def _serve(self, leadership: Leadership) -> None:
        lost = threading.Event()
        dispatcher = Dispatcher(self.kinds, self.tools, self.config, self.node)
        waker = make_waker(self.tools.database, self.config.poll_seconds)
        scheduler = self._periodic_jobs(dispatcher)

        def keep_going() -> bool:
            return not self._stop.is_set() and not lost.is_set()

        def keep_the_lead() -> None:
            while keep_going():
                if not leadership.still_held():
                    log.error("scheduler lost the lead; back to standby", extra={"node": self.node})
                    lost.set()
                    break
                nodes.heartbeat(self.tools.database, self.node, self.tools.clock.now(), active=True)
                self._stop.wait(self.config.heartbeat_seconds)
            if scheduler.running:
                scheduler.shutdown(wait=False)
            waker.wake()

        threads = [
            threading.Thread(target=keep_the_lead, name="heartbeat", daemon=True),
            threading.Thread(
                target=dispatcher.run, args=(keep_going, waker.wait), name="dispatcher", daemon=True
            ),
        ]
        dispatcher.recover()  # a predecessor's unfinished rows, once their leases are over
        for thread in threads:
            thread.start()
        self._running = scheduler
        try:
            if keep_going():
                scheduler.start()  # blocks until shut down by keep_the_lead or request_stop
        finally:
            self._running = None
            lost.set()
            waker.wake()
            for thread in threads:
                thread.join()
            waker.close()
            dispatcher.close()
            jobs.bind(None)

    def _periodic_jobs(self, dispatcher: Dispatcher) -> BlockingScheduler:
        jobs.bind(jobs.JobContext(dispatcher))
        scheduler = BlockingScheduler(
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
