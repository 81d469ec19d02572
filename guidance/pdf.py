"""The plan as a PDF: WeasyPrint lays out an HTML template of the plan, fetching nothing else.

The only resource the PDF may load is our own stylesheet, read from disk (common.pdf):
every other URL (file:, data:, another host, another path) is refused, so a PDF can neither
read the server's files nor call anywhere.
"""

from __future__ import annotations

from common.pdf import RestrictedFetcher, render_pdf, static_stylesheet

STYLESHEET = "css/guidance.css"


def plan_fetcher() -> tuple[str, RestrictedFetcher]:
    """The stylesheet's URL for the template, and a fetcher that serves only it."""
    url, loader = static_stylesheet(STYLESHEET)
    return url, RestrictedFetcher({url: loader})


def render_plan_pdf(render_html) -> bytes:
    """The PDF of the HTML that `render_html(stylesheet_url)` returns."""
    url, fetcher = plan_fetcher()
    return render_pdf(render_html(url), fetcher)
