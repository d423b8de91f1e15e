"""Case stubs (Fälle): what counsellors follow up, found again by their reference number."""
