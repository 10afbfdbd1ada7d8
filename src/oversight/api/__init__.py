"""The JSON API: django-ninja routers and schemas that call the same services, selectors and
permission policy as the pages (docs/api.md)."""
