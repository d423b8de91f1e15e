"""Case stubs (Fälle): what counsellors follow up, found again by their reference number.

The case model and its events, and the case work of the console as plain Python: listing and
finding cases, the timeline of everything linked to one, status, assignment, description,
merging two cases of one caller, referrals to support offers and their follow-ups, and what
the *Heute* page shows. The web console and the tests call these; they never see a Flask
request."""
