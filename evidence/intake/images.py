"""Safe ingestion of untrusted uploads: screenshots and photos, and PDF documents.

The original bytes are the evidence: they are hashed before anything else and never changed
here. Ingestion is in two steps, so that no web request spends seconds on an image:
`inspect_image` (in the request) reads only what the file declares and checks its structure
without decoding its pixels: format, size in pixels, animation, the camera's time; then
`make_derivatives` (in the task worker, evidence/intake/derivatives.py) decodes it and makes the
derivatives for display, re-encoded from the pixels alone so that no EXIF, GPS, XMP or ICC data
reaches anyone who sees them. `ingest_image` does both at once.

Animated images (animated WebP or PNG) are refused rather than reduced to their first frame:
a still derivative would silently misrepresent the evidence, and a screenshot of the animation in
its conversation shows it with its context. A HEIF holding several images is not an animation;
its primary image, the one every viewer shows, is used.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from evidence.intake.capture import exif_taken_at

register_heif_opener()

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "HEIF")
DISPLAY_MAX_HEIGHT = 1600
DISPLAY_QUALITY = 82
THUMBNAIL_BOX = (320, 320)
THUMBNAIL_QUALITY = 75
_WHITE = (255, 255, 255)
_MEGABYTE = 1024 * 1024
# Readers accept %%EOF followed by some trailing whitespace or junk; 1 KiB is the usual allowance.
_PDF_EOF_WINDOW = 1024

EMPTY = _("This file is empty. Choose your screenshot again and send it once more.")
NOT_ALLOWED = _("This file is not an image we accept. Send a PNG, JPEG, WebP or HEIC screenshot.")
TOO_MANY_PIXELS = _(
    "This image is far too large in width and height. Send an ordinary screenshot instead."
)
DAMAGED = _("This image is damaged or incomplete. Try saving it or taking the screenshot again.")
ANIMATED = _("This image is animated. Take a screenshot of it and send that instead.")
NOT_A_PDF = _("This file is not a PDF document. Send the PDF itself, or a screenshot of it.")
DAMAGED_PDF = _("This PDF is damaged or incomplete. Try downloading or saving it again.")


class UploadRejected(Exception):
    """An upload we refuse; `code` is stable for code, `message` is for the person uploading."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code)  # str(exc) must not force the lazy message
        self.code = code
        self.message = message


class ImageRejected(UploadRejected):
    """Codes: empty, too_large, not_allowed, too_many_pixels, damaged, animated."""


@dataclass(frozen=True)
class InspectedImage:
    """What an image declares, checked without decoding its pixels."""

    sha256: str  # of the original bytes
    size: int
    mime_type: str
    format: str
    width: int  # as stored in the file, before any EXIF rotation
    height: int
    # When the camera says the photo was taken (EXIF DateTimeOriginal, ISO 8601, with the
    # offset when the file gives it); None for most screenshots. Read, never trusted blindly:
    # the vault records it as "read from the file".
    taken_at: str | None = None

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class Derivatives:
    display: bytes  # JPEG, at most DISPLAY_MAX_HEIGHT high, pixels only
    display_width: int
    display_height: int
    thumbnail: bytes  # JPEG, within THUMBNAIL_BOX
    thumbnail_width: int
    thumbnail_height: int


@dataclass(frozen=True)
class IngestedImage:
    sha256: str  # of the original bytes
    size: int
    mime_type: str
    format: str
    width: int  # as stored in the file, before any EXIF rotation
    height: int
    display: bytes
    display_mime: str
    display_width: int
    display_height: int
    thumbnail: bytes
    thumbnail_mime: str
    thumbnail_width: int
    thumbnail_height: int
    # When the camera says the photo was taken (EXIF DateTimeOriginal, ISO 8601, with the
    # offset when the file gives it); None for most screenshots. Read, never trusted blindly:
    # the vault records it as "read from the file".
    taken_at: str | None = None


@dataclass(frozen=True)
class PdfInfo:
    sha256: str
    size: int
    page_count: int | None  # None when the file does not say it in plain text


def inspect_image(data: bytes, *, max_bytes: int, max_pixels: int) -> InspectedImage:
    """Check an uploaded image's declarations and structure, or raise ImageRejected. Cheap:
    the pixels are not decoded (a 6300×6300 PNG of 154 KB is refused or accepted in
    milliseconds, not in a second and 500 MB); `make_derivatives` decodes them later."""
    _check_size(data, max_bytes, ImageRejected)
    sha256 = hashlib.sha256(data).hexdigest()
    with strict_decoding(), refusing_bad_images():
        original = Image.open(BytesIO(data), formats=ALLOWED_FORMATS)
        if original.width * original.height > max_pixels:
            raise ImageRejected("too_many_pixels", TOO_MANY_PIXELS)
        original.verify()  # the file's structure (PNG: every chunk's CRC), not its pixels
        format = original.format or ""  # always set when opened with an allow-list
        # verify() leaves the image unusable: read the rest from a fresh open.
        image = Image.open(BytesIO(data), formats=[format])
        if format != "HEIF" and getattr(image, "n_frames", 1) > 1:
            raise ImageRejected("animated", ANIMATED)
        return InspectedImage(
            sha256=sha256,
            size=len(data),
            mime_type=Image.MIME[format],
            format=format,
            width=image.width,
            height=image.height,
            taken_at=exif_taken_at(image) if _exif_without_decoding(image) else None,
        )


def _exif_without_decoding(image: Image.Image) -> bool:
    """Whether the EXIF data can be read without decoding the pixels: a PNG's eXIf chunk may
    come after its pixel data, where Pillow reads it only by decoding the whole image."""
    return image.format != "PNG" or "exif" in image.info


def make_derivatives(data: bytes, *, format: str) -> Derivatives:
    """Decode an inspected image and make its clean display copy and thumbnail; ImageRejected
    ("damaged") when its pixels do not decode whole (a truncated file passes inspection)."""
    with strict_decoding(), refusing_bad_images():
        image = Image.open(BytesIO(data), formats=[format])
        image.load()
        # Each step works on the decoded image in place where it can: full-size copies are
        # what an image spends most of its time on, after decoding and resizing.
        upright = _to_rgb(ImageOps.exif_transpose(image, in_place=True) or image)
        upright.thumbnail((upright.width, DISPLAY_MAX_HEIGHT), Image.Resampling.LANCZOS)
        display = _pixels_only(upright)
        thumbnail = _shrunk(display, THUMBNAIL_BOX)
        return Derivatives(
            display=_jpeg(display, DISPLAY_QUALITY),
            display_width=display.width,
            display_height=display.height,
            thumbnail=_jpeg(thumbnail, THUMBNAIL_QUALITY),
            thumbnail_width=thumbnail.width,
            thumbnail_height=thumbnail.height,
        )


def ingest_image(data: bytes, *, max_bytes: int, max_pixels: int) -> IngestedImage:
    """Check an uploaded image and make its clean derivatives at once, or raise ImageRejected."""
    inspected = inspect_image(data, max_bytes=max_bytes, max_pixels=max_pixels)
    made = make_derivatives(data, format=inspected.format)
    return IngestedImage(
        sha256=inspected.sha256,
        size=inspected.size,
        mime_type=inspected.mime_type,
        format=inspected.format,
        width=inspected.width,
        height=inspected.height,
        display=made.display,
        display_mime="image/jpeg",
        display_width=made.display_width,
        display_height=made.display_height,
        thumbnail=made.thumbnail,
        thumbnail_mime="image/jpeg",
        thumbnail_width=made.thumbnail_width,
        thumbnail_height=made.thumbnail_height,
        taken_at=inspected.taken_at,
    )


def sniff_pdf(data: bytes, *, max_bytes: int) -> PdfInfo:
    """Accept only what is plainly a whole PDF; the file is never parsed or rendered here."""
    _check_size(data, max_bytes, UploadRejected)
    sha256 = hashlib.sha256(data).hexdigest()
    if not data.startswith(b"%PDF-"):
        raise UploadRejected("not_allowed", NOT_A_PDF)
    if b"%%EOF" not in data[-_PDF_EOF_WINDOW:]:
        raise UploadRejected("damaged", DAMAGED_PDF)
    return PdfInfo(sha256=sha256, size=len(data), page_count=_pdf_page_count(data))


def too_large_message(max_bytes: int) -> str | Promise:
    limit = f"{max_bytes / _MEGABYTE:.1f}".removesuffix(".0")
    return format_lazy(_("This file is too big. The limit is {limit} MB."), limit=limit)


def _check_size(data: bytes, max_bytes: int, rejected: type[UploadRejected]) -> None:
    if not data:
        raise rejected("empty", EMPTY)
    if len(data) > max_bytes:
        raise rejected("too_large", too_large_message(max_bytes))


_STRICT = threading.Lock()


@contextmanager
def strict_decoding() -> Iterator[None]:
    """Never pad a truncated image with grey, whatever the rest of the process asked for.

    Importing WeasyPrint sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES to True,
    which would let half an image through as if whole. Evidence is decoded with it off; the
    lock keeps two uploads from restoring each other's setting halfway.
    """
    with _STRICT:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


@contextmanager
def refusing_bad_images() -> Iterator[None]:
    """Turn whatever decoding hostile or broken bytes raises into a refusal a person can read."""
    try:
        yield
    except UploadRejected:
        raise
    # Pillow warns, then errors, past its own pixel limit; the warning is an exception
    # wherever warnings are errors (as in the tests), so both mean the same thing here.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("too_many_pixels", TOO_MANY_PIXELS) from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected("not_allowed", NOT_ALLOWED) from exc
    # Decoders fail on malformed data with many exception types (OSError, SyntaxError,
    # ValueError, struct.error, zlib.error…); for a user each means the file is damaged.
    except Exception as exc:
        raise ImageRejected("damaged", DAMAGED) from exc


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode.startswith("I"):
        # 16-bit grey: a plain convert("L") clips every value above 255 to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "RGBa", "LA", "La", "PA") or (
        image.mode == "P" and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        on_white = Image.new("RGB", rgba.size, _WHITE)
        on_white.paste(rgba, mask=rgba.getchannel("A"))
        return on_white
    return image if image.mode == "RGB" else image.convert("RGB")


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding the pixels and nothing else: no EXIF, GPS, XMP or ICC profile."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _shrunk(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """A copy fitting in box, keeping proportions; never enlarged."""
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    return copy


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


_PDF_PAGE_TREE_NODE = re.compile(rb"/Type\s*/Pages\b")
_PDF_COUNT = re.compile(rb"/Count\s+(\d{1,9})(?!\d)")


def _pdf_page_count(data: bytes) -> int | None:
    """Best effort: the root of the page tree counts every page, so it has the largest /Count.

    Page trees kept in compressed object streams are not read, hence None rather than a guess.
    Objects are cut with split/rpartition, not a regex spanning them: linear on hostile input.
    """
    counts = []
    for chunk in data.split(b"endobj"):
        body = chunk.rpartition(b"obj")[2]
        if _PDF_PAGE_TREE_NODE.search(body) and (count := _PDF_COUNT.search(body)):
            counts.append(int(count.group(1)))
    return max(counts, default=None)
