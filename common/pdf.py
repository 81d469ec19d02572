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
from typing import BinaryIO, overload

from django.contrib.staticfiles import finders
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

# Resources are addressed in this private scheme; nothing outside the allow-list resolves.
SCHEME = "pdf-resource:"
Loader = Callable[[], tuple[bytes, str]]  # returns (body, content type)


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


@overload
def render_pdf(
    html: str, fetcher: RestrictedFetcher, *, target: None = None, image_folder: str | None = None
) -> bytes: ...


@overload
def render_pdf(
    html: str, fetcher: RestrictedFetcher, *, target: BinaryIO, image_folder: str | None = None
) -> None: ...


def render_pdf(
    html: str,
    fetcher: RestrictedFetcher,
    *,
    target: BinaryIO | None = None,
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


# WeasyPrint makes millions of small objects, few of them garbage in cycles. At Python's
# default threshold (a collection every 700 allocations) the cycle collector ran about 2,000
# times in the PDF of 200 pieces and took a quarter of its time; every 10,000, 130 times and a
# tenth as long, for 1 to 2 MB more at the peak (bench/export.py).
_RENDERING_THRESHOLD = 10_000
_threshold_lock = threading.Lock()
_renders = 0
_saved_threshold: tuple[int, ...] = ()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The collector's threshold raised while PDFs are rendered (the setting is the
    process's: the first render in raises it, the last out puts it back)."""
    global _renders, _saved_threshold
    with _threshold_lock:
        if _renders == 0:
            _saved_threshold = gc.get_threshold()
            gc.set_threshold(_RENDERING_THRESHOLD, *_saved_threshold[1:])
        _renders += 1
    try:
        yield
    finally:
        with _threshold_lock:
            _renders -= 1
            if _renders == 0:
                gc.set_threshold(*_saved_threshold)
