"""Supervision pages for line managers: supervisees, the preparation pack, recording a formal session
for a whole caseload, gaps in supervision, and records on the child's file (management decisions,
MARP outcomes, case audits, amendments)."""
