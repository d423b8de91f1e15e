"""Calls and their legs, webhook deliveries, phone numbers and the one outbound gateway."""
