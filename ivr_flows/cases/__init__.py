"""The start of every call: greeting, language, notices, and the case the call belongs to
(`intake`)."""
