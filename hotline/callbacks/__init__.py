"""Callbacks: the booked call back, its attempts and seats, its manage link, how staff list it
and the words for its states. Booking into a slot and placing it at its time are
`scheduling.callbacks`."""
