"""axe-core run inside the real browser, from the copy shipped with axe-playwright-python
(no network at test time)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import axe_playwright_python


@cache
def _axe_source() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[str]:
    """Every axe-core violation on the page, as readable lines (empty when clean)."""
    # evaluate() runs through the DevTools protocol, so our CSP need not allow it.
    page.evaluate(_axe_source())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"])
        for v in result["violations"]
    ]


def has_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
