"""The dispatcher: claims due work, does it after the claim has committed, settles each row.

It reads the service's clock for everything that is due, so tests move the clock and call
`dispatch_due()` instead of sleeping. Handlers run on a small thread pool: a REST call or an
SMTP session mostly waits on the network, and 1,000 calls due at once must all go out within
seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from hotline.mail.mailer import MailError
from hotline.metrics import work_attempts
from hotline.outbox import queue
from hotline.outbox.kinds import WorkFailed, WorkKinds, WorkTools
from hotline.outbox.queue import ClaimedWork
from hotline.scheduler.config import SchedulerConfig
from hotline.telephony.gateway import GatewayError

log = logging.getLogger(__name__)
IDLE_WAIT_SECONDS = 5.0  # longest wait without looking, when nothing is due


@dataclass(frozen=True)
class Outcome:
    item_id: int
    kind: str
    state: str


class Dispatcher:
    def __init__(
        self,
        kinds: WorkKinds,
        tools: WorkTools,
        config: SchedulerConfig,
        worker: str,
    ) -> None:
        self._kinds = kinds
        self._tools = tools
        self._config = config
        self._worker = worker
        self._pool = (
            ThreadPoolExecutor(config.workers, thread_name_prefix="work")
            if config.workers > 1
            else None
        )

    @property
    def tools(self) -> WorkTools:
        """What the handlers use; periodic jobs of the same process use it too."""
        return self._tools

    def dispatch_due(self) -> list[Outcome]:
        """One round: claim what is due now (up to a batch), do it, settle it."""
        tools = self._tools
        with tools.database.transaction() as session:
            items = queue.claim_due(
                session,
                tools.cipher,
                tools.clock.now(),
                self._worker,
                limit=self._config.batch_size,
                lease=self._config.lease,
            )
        if not items:
            return []
        if self._pool is None:
            return [self._work(item) for item in items]
        return list(self._pool.map(self._work, items))

    def dispatch_until_idle(self, max_rounds: int | None = None) -> list[Outcome]:
        """Rounds until nothing is due, for an in-process scheduler on a held clock: work
        that makes more work due at once (a due callback queues its ring) is done too.
        `max_rounds` guards against work that keeps making work."""
        outcomes: list[Outcome] = []
        rounds = 0
        while max_rounds is None or rounds < max_rounds:
            done = self.dispatch_due()
            if not done:
                break
            outcomes += done
            rounds += 1
        return outcomes

    def seconds_until_due(self) -> float:
        """How long nothing is due (0 when something is); at most IDLE_WAIT_SECONDS."""
        with self._tools.database.transaction() as session:
            due_at = queue.next_due_at(session)
        if due_at is None:
            return IDLE_WAIT_SECONDS
        wait = (due_at - self._tools.clock.now()).total_seconds()
        return min(max(wait, 0.0), IDLE_WAIT_SECONDS)

    def recover(self) -> queue.Recovery:
        """Rows whose process died mid-attempt (their lease ran out): finish or retry them."""
        with self._tools.database.transaction() as session:
            recovery = queue.recover_stale(
                session,
                self._tools.clock.now(),
                sent_counts_as_done=self._kinds.sent_counts_as_done(),
            )
        if recovery.requeued or recovery.completed:
            log.warning(
                "work of a stopped scheduler recovered",
                extra={"requeued": recovery.requeued, "completed": recovery.completed},
            )
        return recovery

    def run(self, keep_going: Callable[[], bool], wait: Callable[[float], None]) -> None:
        """Dispatch until `keep_going()` is false; between rounds `wait(seconds)` (which a
        database notification or a poll ends early)."""
        while keep_going():
            try:
                outcomes = self.dispatch_due()
                if len(outcomes) >= self._config.batch_size:
                    continue  # more may be due right now
                wait(self.seconds_until_due())
            except Exception:
                log.exception("the dispatcher failed a round; trying again shortly")
                wait(1.0)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def _work(self, item: ClaimedWork) -> Outcome:
        kind = self._kinds.find(item.kind)
        try:
            if kind is None:
                raise WorkFailed(f"no handler for work kind {item.kind!r}", transient=False)
            done = kind.handler(item, self._tools)
        except Exception as error:
            return self._failed(item, error)
        with self._tools.database.transaction() as session:
            queue.complete(session, item.id, self._worker, self._tools.clock.now(), done.reference)
        work_attempts.labels(item.kind, "done").inc()
        log.info(
            "work done", extra={"work_id": item.id, "kind": item.kind, "attempt": item.attempt}
        )
        return Outcome(item.id, item.kind, queue.WorkState.DONE)

    def _failed(self, item: ClaimedWork, error: Exception) -> Outcome:
        transient, message = _classify(error)
        with self._tools.database.transaction() as session:
            state = queue.fail(
                session,
                item.id,
                self._worker,
                self._tools.clock.now(),
                message,
                transient=transient,
                policy=self._config.retry_policy,
            )
        dead = state == queue.WorkState.DEAD
        work_attempts.labels(item.kind, "dead" if dead else "retry").inc()
        level = logging.ERROR if dead else logging.WARNING
        log.log(
            level,
            "work failed",
            extra={
                "work_id": item.id,
                "kind": item.kind,
                "attempt": item.attempt,
                "error": message,
                "state": state,
            },
        )
        return Outcome(item.id, item.kind, state)


def _classify(error: Exception) -> tuple[bool, str]:
    """(may a retry pass?, a message without personal data)."""
    if isinstance(error, WorkFailed | GatewayError | MailError):
        return error.transient, str(error)
    # An unexpected error is a bug or a hiccup: retried within the attempt limit; only the
    # type is kept, since its message could quote personal data.
    return True, f"unexpected {type(error).__name__}"
