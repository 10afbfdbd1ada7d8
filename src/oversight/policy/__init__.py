"""The policy engine: every rule of RULES.md as plain Python, with no Django import.

The engine works on a `ServiceFacts` snapshot (see `facts.py`) that a caller builds once, from the
database (`oversight.people.selectors`) or from an exchange document, and answers two questions:
who is each child's named contact (`cover.py`) and where the policies are not met (`findings.py`).
"""
