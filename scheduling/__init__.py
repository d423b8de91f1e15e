"""Time: opening hours and holidays (later: slots, callbacks, appointments, the scheduler)."""
