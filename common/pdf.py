"""PDF rendering with WeasyPrint behind a fetcher that serves only what the document owns.

WeasyPrint would otherwise follow any URL in the HTML: a `file:` URL could read the server's
disk, an `http:` one could reach the network, and an image of another user's dossier planted in
the HTML could end up in this one. Here every URL must be in the fetcher's allow-list.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pydyf
from django.contrib.staticfiles import finders
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

# Resources are addressed in this private scheme; nothing outside the allow-list resolves.
SCHEME = "pdf-resource:"
Loader = Callable[[], tuple[bytes, str]]  # returns (body, content type)


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf.PDF.page_references, computed once per page count instead of at every call.

    pydyf 0.13 rebuilds the tuple of every page's reference each time it is read, and
    WeasyPrint reads it once per tagged element and per link (weasyprint/pdf/tags.py,
    anchors.py): quadratic in the pages. For a dossier of 200 pieces that was 5 million
    strings and about 1.3 s of the 2.7 s spent writing the PDF. Pages are only ever
    appended (pydyf.PDF.add_page), so the count of page references says when to rebuild.
    """
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_cached_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_cached_page_references"] = cached
    return cached[1]


pydyf.PDF.page_references = property(_page_references)


class RefusedResource(ValueError):
    """A URL the document does not own. WeasyPrint logs it and leaves the resource out."""


class RestrictedFetcher(URLFetcher):
    def __init__(self, resources: Mapping[str, Loader]):
        super().__init__(allowed_protocols=())
        self._resources = dict(resources)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        loader = self._resources.get(url)
        if loader is None:
            self.refused.append(url)
            raise RefusedResource(f"refused: {url}")
        body, content_type = loader()
        self.served.append(url)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def resource_url(name: str) -> str:
    return SCHEME + name


def static_stylesheet(path: str) -> tuple[str, Loader]:
    """An allow-list entry for one of our own static stylesheets, read from disk."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"static file not found: {path}")
    file = Path(found)
    return resource_url(f"static/{path}"), lambda: (file.read_bytes(), "text/css")


def render_pdf(
    html: str,
    fetcher: RestrictedFetcher,
    *,
    title: str | None = None,
    target=None,
    image_folder: str | None = None,
) -> bytes | None:
    """A tagged PDF (accessible structure, real text) of `html`, fetching only through `fetcher`.

    Returned as bytes, or written into `target` (a file opened for writing). For a big
    document, `image_folder` (a private temporary folder, removed by the caller) keeps the
    images' bytes on disk until they are drawn, rather than in memory.
    """
    options = {"cache": image_folder} if image_folder else {}
    with _fewer_collections():
        document = HTML(string=html, base_url=SCHEME, url_fetcher=fetcher).render(
            pdf_tags=True, **options
        )
        # The layout leaves much cyclic garbage behind: collecting it before the PDF is drawn
        # lowers the peak memory of a dossier of 200 pieces by about 60 MB.
        gc.collect()
        return document.write_pdf(target, pdf_tags=True)


# WeasyPrint makes millions of short-lived objects; at Python's default threshold (a young
# collection every 700 allocations) the collector took about a sixth of the time of a dossier
# of 200 pieces, for nothing: the peak memory is the same at 20,000 (bench/export.py).
_RENDERING_GC_THRESHOLD = 20_000
_renders = 0
_renders_lock = threading.Lock()
_default_threshold = gc.get_threshold()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Raise the young generation's threshold while any PDF is being made (renders may overlap
    in threads: the last one to end puts the default back)."""
    global _renders, _default_threshold
    with _renders_lock:
        if _renders == 0:
            _default_threshold = gc.get_threshold()
            gc.set_threshold(_RENDERING_GC_THRESHOLD, *_default_threshold[1:])
        _renders += 1
    try:
        yield
    finally:
        with _renders_lock:
            _renders -= 1
            if _renders == 0:
                gc.set_threshold(*_default_threshold)
