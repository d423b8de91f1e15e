"""Reusable test fixtures' machinery: databases, fake Twilio, signed requests."""
