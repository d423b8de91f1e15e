"""Staff accounts: who may log in to the console, as counsellor or admin."""
