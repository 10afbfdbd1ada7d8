"""The web foundation: base template, GOV.UK/MOJ components, form rendering and the style guide."""
