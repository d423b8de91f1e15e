"""Protecting the line from the people it protects against: blocked callers, call floods
and booking abuse — without a number in clear anywhere and without turning away anyone in
acute danger (every refusal names 110 and the e-mail address).

- `hashing`: the keyed hashes (HMAC, own rotatable key) numbers and addresses are matched by;
- `models`: blocks, the line's protection state (flood mode), the voice challenges;
- `blocks`: blocking a caller from a case or a call, lifting, expiry, the in-process list;
- `flood`: calls per number and hour, flood mode switched by hand or by the thresholds;
- `bookings`: open bookings per e-mail address and phone number.
"""
