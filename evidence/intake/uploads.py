"""Receiving evidence files: in memory only, each bounded, never written to a temporary file.

Django's default handlers spill large uploads to a temporary file on disk; evidence must never
sit there in clear. This handler keeps each file in memory up to the vault's limit. A bigger
file is not kept at all: its bytes are read and dropped, and it arrives as an `OversizedUpload`
so the form can say "too big" while keeping everything else the person typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from io import BytesIO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class OversizedUpload(InMemoryUploadedFile):
    """A file that was not kept: its name and size only, none of its bytes. Over the size
    limit, or ("busy") sent while the same account already had uploads under way."""

    oversized = True
    refused_because = "too_large"


class BusyUpload(OversizedUpload):
    refused_because = "busy"


class BoundedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request=None, *, max_bytes: int, busy: bool = False) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.busy = busy  # keep no file at all: the text fields still arrive

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer: BytesIO | None = BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.busy:
            self.buffer = None
        if self.buffer is None:
            return None  # already over the limit: drop the rest
        if start + len(raw_data) > self.max_bytes:
            self.buffer = None
            return None
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        if self.buffer is None:
            refused = BusyUpload if self.busy else OversizedUpload
            return refused(
                BytesIO(),
                self.field_name,
                self.file_name,
                self.content_type,
                file_size,
                self.charset,
                self.content_type_extra,
            )
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


def bounded_uploads(view: Callable) -> Callable:
    """Receive files with our own handler (memory only, each bounded), then check CSRF.

    The handler must be in place before anything reads the body, and the CSRF check reads it:
    hence csrf_exempt outside and csrf_protect inside (Django's documented pattern). A body
    past Django's limits (too many files, too much form data) gets our page, not a 400.
    """
    return bounded_to(lambda: settings.EVIDENCE_MAX_UPLOAD_BYTES, _largest_request)(view)


def bounded_to(
    max_bytes: Callable[[], int], largest: Callable[[], int], *, one_file: bool = False
) -> Callable:
    """bounded_uploads, each file under max_bytes() and the whole body under largest(): for a
    form of one file that may be larger than evidence's (a chat export with its media)."""

    def decorator(view: Callable) -> Callable:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            too_big = {"max_files": 1, "max_bytes": max_bytes()} if one_file else {}
            if request.method == "POST" and declared_length(request) > largest():
                return upload_too_big(request, kwargs, **too_big)
            with upload_slot(request) as free:
                request.upload_handlers = [
                    BoundedMemoryUploadHandler(request, max_bytes=max_bytes(), busy=not free)
                ]
                try:
                    return protected(request, **kwargs)
                except (RequestDataTooBig, TooManyFilesSent):
                    return upload_too_big(request, kwargs, **too_big)

        return csrf_exempt(wrapper)

    return decorator


# Long enough for the slowest upload; a slot left by a process that died frees itself then.
UPLOAD_SLOT_SECONDS = 300


@contextmanager
def upload_slot(request: HttpRequest) -> Iterator[bool]:
    """Whether this account may send files now: at most EVIDENCE_MAX_CONCURRENT_UPLOADS at once
    (counted in the cache, shared by every web process). Past it the request still goes on,
    its text kept and its files refused as "busy", so that one account cannot hold every web
    worker with uploads while a person in danger waits."""
    if request.method != "POST" or not request.user.is_authenticated:
        yield True
        return
    key = f"uploads-in-flight:{request.user.pk}"
    cache.add(key, 0, timeout=UPLOAD_SLOT_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=UPLOAD_SLOT_SECONDS)
        count = 1
    try:
        yield count <= settings.EVIDENCE_MAX_CONCURRENT_UPLOADS
    finally:
        try:
            cache.decr(key)
        except ValueError:
            pass


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _largest_request() -> int:
    files = settings.EVIDENCE_MAX_FILES_PER_PIECE * settings.EVIDENCE_MAX_UPLOAD_BYTES
    return files + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024


def upload_too_big(
    request: HttpRequest, kwargs: dict, *, max_files: int | None = None, max_bytes: int = 0
) -> HttpResponse:
    return render(
        request,
        "evidence/intake/upload_too_big.html",
        {
            "back_url": request.path,
            "max_files": max_files or settings.EVIDENCE_MAX_FILES_PER_PIECE,
            "limit": (max_bytes or settings.EVIDENCE_MAX_UPLOAD_BYTES) // (1024 * 1024),
        },
        status=413,
    )
