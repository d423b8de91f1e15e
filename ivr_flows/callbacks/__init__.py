"""Callbacks by phone: the caller books one (`capture`); the counsellor places it (`calls`)."""
