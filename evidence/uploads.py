"""Receiving evidence files: in memory only, each bounded, never written to a temporary file.

Django's default handlers spill large uploads to a temporary file on disk; evidence must never
sit there in clear. This handler keeps each file in memory up to the vault's limit. A bigger
file is not kept at all: its bytes are read and dropped, and it arrives as an `OversizedUpload`
so the form can say "too big" while keeping everything else the person typed.
"""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class OversizedUpload(InMemoryUploadedFile):
    """A file that was over the limit: its name and size only, none of its bytes."""

    oversized = True


class BoundedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request=None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer: BytesIO | None = BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.buffer is None:
            return None  # already over the limit: drop the rest
        if start + len(raw_data) > self.max_bytes:
            self.buffer = None
            return None
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        if self.buffer is None:
            return OversizedUpload(
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
