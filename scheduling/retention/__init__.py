"""Retention: personal data is kept only as long as the hotline needs it.

Callers' numbers and e-mail addresses go a few weeks after their last use, closed cases lose
what could name a person a year after closing (their counts and dates stay for statistics),
and the log of Twilio deliveries is pruned. A periodic job of the scheduler does it, and
`hotline retention run` does it once on demand; both only count what went, never list it.
"""
