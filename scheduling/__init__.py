"""Time: when the line is open, which slots are free and who can take them, booking into a
slot, placing callbacks and reminders at their time, the scheduler process that does the
outbox's work, and the retention sweep.

The data these act on (appointments, callbacks, the line, work rows) lives in the core,
`hotline`; this layer adds the clock's side of it."""
