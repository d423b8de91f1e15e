"""The scheduler processes as the database knows them (active one, standbys, lease) and the
`[scheduler]` settings; the process itself is `scheduling.scheduler`."""
