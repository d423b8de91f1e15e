"""Case work: what counsellors do with a case stub in the console, as plain Python.

Listing and finding cases, the timeline of everything linked to one, status, assignment,
description, merging two cases of one caller, referrals to support offers and their
follow-ups. The web console and the tests call these; they never see a Flask request.
"""
