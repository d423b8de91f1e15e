"""The opening hours as configured and as staff override them: data and settings (when the line
is open, computed from them, is `scheduling.hours`)."""
