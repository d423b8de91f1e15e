"""The outbox: every side effect and timed job as a work row, written in the transaction that
causes it and done once, after the commit, by the scheduler (`scheduling.scheduler`)."""
