"""Statistics for the staff console: what the hotline did over a range of days, counted by the
database and exported as an anonymous aggregate CSV. Plain Python, no Flask: the console only
asks for a range and shows what comes back (its SVG charts are drawn in `web.staff.charts`)."""
