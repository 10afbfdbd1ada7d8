"""Bringing a service's data in: an exchange document, or a CSV export of a case management system.

Both are checked in full before anything is written (a dry run reports what would change and every
problem), and applied in one transaction (docs/imports.md).
"""
