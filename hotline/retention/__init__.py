"""How long personal data is kept: the `[retention]` settings (the sweep that deletes is
`scheduling.retention`)."""
