"""A caller's callback from outside: the manage page their SMS links to (`/rueckruf/<token>`)."""
