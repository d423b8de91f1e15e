"""Out of hours: why the line is closed, when it opens, and the closed menu (`out_of_hours`)."""
