"""One mend to pydyf (WeasyPrint's PDF writer), applied once at start-up by common.apps, only to
the version it was written for.

pydyf 0.13's `PDF.page_references` rebuilds the tuple of every page's reference each time it
is read, and WeasyPrint reads it once per tagged element and per link (weasyprint/pdf/tags.py,
anchors.py): quadratic in the pages. For a dossier of 200 pieces that was 5 million strings
and about 1.3 s of the 2.7 s spent writing the PDF. Pages are only ever appended
(`PDF.add_page`), so the number of pages says when to rebuild; the PDF is byte for byte the
same (tests/common/test_pydyf_references.py).

The upstream fix: pydyf keeps the list of references as `add_page` appends each page (one
string per page, once), or WeasyPrint reads `pdf.page_references` once per document rather
than inside its loops over tags and links. With either, this module goes.
"""

from __future__ import annotations

import logging

import pydyf

WRITTEN_FOR = "0.13.0"
logger = logging.getLogger(__name__)
_original: property | None = None


def _cached_page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_cached_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_cached_page_references"] = cached
    return cached[1]


def apply() -> bool:
    """Cache the page references, if pydyf is the version this was written for."""
    global _original
    if pydyf.__version__ != WRITTEN_FOR:
        logger.info("pydyf %s: page references left as they are", pydyf.__version__)
        return False
    if _original is None:
        _original = pydyf.PDF.__dict__["page_references"]
        pydyf.PDF.page_references = property(_cached_page_references)
    return True


def remove() -> None:
    """pydyf as it was (for the test that compares both)."""
    global _original
    if _original is not None:
        pydyf.PDF.page_references = _original
        _original = None


def is_applied() -> bool:
    return _original is not None
