"""Hardening that is not about signing in: response headers and safe logging (docs/security.md)."""
