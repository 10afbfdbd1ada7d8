"""The demo service: a deterministic, realistic Youth Justice service to load and explore."""
