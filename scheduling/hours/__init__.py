"""Opening hours: weekly windows, public holidays, closures and manual overrides."""
