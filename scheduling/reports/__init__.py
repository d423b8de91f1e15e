"""Statistics for the staff console: what the hotline did over a range of days, counted by the
database, drawn as SVG charts on the server (no JavaScript) and exported as an anonymous
aggregate CSV. Plain Python, no Flask: the console's page only asks for a range and shows
what comes back, so the figures can be tested and measured without a request."""
