"""Video-call appointments: slots, booking, invitations, reminders, feeds."""
