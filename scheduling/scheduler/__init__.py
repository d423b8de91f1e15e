"""`hotline scheduler`: one active process (plus standbys) that does the outbox's work."""
