"""Printable documents: an HTML template rendered to PDF by WeasyPrint (no browser, no network).

Every document shares one A4 stylesheet (templates/reports/pdf/base.html): Arial (or its metric twin
Liberation Sans), the service and document title on every page, page numbers, and a footer saying
when and for whom it was produced, since a printed child's record must say where it came from.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

PDF_TYPE = "application/pdf"


def css_string(text: str) -> str:
    """Text as a quoted CSS string (for the running page headers and footers)."""
    escaped = "".join(c if c.isalnum() or c in " .,:;()–-/'&" else f"\\{ord(c):x} " for c in str(text))
    return mark_safe(f'"{escaped}"')


def render_pdf(template: str, context: dict) -> bytes:
    """A PDF of `template`; the context needs service_name, title and footer (the running heads)."""
    from weasyprint import HTML

    context = dict(context, css={k: css_string(context.get(k, "")) for k in ("service_name", "title", "footer")})
    html = render_to_string(template, context)
    # base_url=None and no url_fetcher use: the templates reference nothing outside themselves.
    return HTML(string=html, base_url=None).write_pdf()
