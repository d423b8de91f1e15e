"""Twilio's call statuses as the hotline reads them: one list, so that the call log, the routing
desk, callback placing and the webhooks agree on which status ends a call."""

from __future__ import annotations

PROGRESS_STATUSES = ("queued", "initiated", "ringing", "in-progress")  # in the order they come
TERMINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# A call that ended without anyone answering it.
UNREACHED_STATUSES = TERMINAL_STATUSES - {"completed"}
CALL_STATUSES = frozenset(PROGRESS_STATUSES) | TERMINAL_STATUSES
