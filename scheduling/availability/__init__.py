"""When each counsellor can take callbacks and appointments: weekly windows and absences."""
