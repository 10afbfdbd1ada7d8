"""The line manager's cover pages (team cover board, absences of the team, cross-grade buddies,
temporary reallocation) and the duty officer's list."""
