"""The line inside opening hours: the caller queued (`route`), their wait (`waiting`), and the
counsellor's leg that takes the call (`whisper`)."""
