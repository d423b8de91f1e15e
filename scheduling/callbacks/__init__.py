"""Callbacks: booked by phone, placed at the booked time (counsellor first, then the caller)."""
