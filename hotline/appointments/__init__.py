"""Video-call appointments: the booked appointment, its links, calendar file and feed, and
the notices its booking, move or cancellation sends. Free slots and booking into them are
`scheduling.appointments`."""
