"""The starke Stelle hotline: application core (config, database, models, cases, gateway, CLI)."""
