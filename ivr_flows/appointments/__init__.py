"""Video appointments booked by phone, out of hours (`video_booking`)."""
