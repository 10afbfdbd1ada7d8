"""Oversight: named contacts and management oversight for Youth Justice Services."""
