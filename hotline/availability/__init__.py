"""Counsellors' weekly windows and absences, as stored (who is free when is computed in
`scheduling.availability`)."""
