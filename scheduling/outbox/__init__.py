"""The outbox: every side effect and timed job as a work row, done once by the scheduler."""
