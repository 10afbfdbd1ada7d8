"""The home page and the case manager's pages: caseload, cases covered, buddies, absences and leave
sheets, and the child's file."""
