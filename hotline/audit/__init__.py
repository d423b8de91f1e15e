"""The audit log: who viewed, revealed or changed what, and when."""
