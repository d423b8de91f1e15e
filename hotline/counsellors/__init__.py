"""Counsellors (Berater:innen): who takes calls, on which number, and who is on duty."""
