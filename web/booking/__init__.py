"""Booking from outside: the booking page (`/termin`), the JSON API (`/api/v1`) and its
OpenAPI document, made from one schema, the manage pages of a booked video appointment,
and the counsellors' calendar feeds — what an official or a counsellor reaches by link."""
