"""What the caller hears and can do: one module per step of the call, plus the prompt catalogs."""
