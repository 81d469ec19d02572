"""When a screenshot or photo was taken, read from its file, and where that was read.

`read_capture_time(name, data)` looks, in this order, at:
1. EXIF DateTimeOriginal (iPhone photos and screenshots, most cameras), with its
   OffsetTimeOriginal when the file has one;
2. XMP (photoshop:DateCreated, xmp:CreateDate, exif:DateTimeOriginal), as macOS and iOS write it;
3. a PNG's "Creation Time" text;
4. the names phones and computers give screenshots (Android, Samsung, Xiaomi, Windows, macOS,
   GNOME), which also name the app on some phones (Samsung, Xiaomi): a suggested platform;
5. last, a PNG's tIME chunk: the time the image was last *modified* (UTC), said as such.
iPhone names (IMG_1234.PNG) carry no time; camera names (IMG_20261124_181302, PXL_…) are not read:
Pixel's are in UTC, others in local time, and the photo's EXIF says it better anyway.

The time zone rule: a time stated with its offset (EXIF with OffsetTimeOriginal, XMP or PNG text
with an offset, tIME which is UTC by definition) keeps it. A local time without offset (file
names, EXIF without offset, XMP or PNG text without one) is taken as the local time of
settings.TIME_ZONE (Europe/Paris), and the result says that zone was assumed. A local time that
does not exist there (the spring-forward gap) is refused; one that exists twice (the autumn
repeated hour) is kept and flagged ambiguous. Impossible dates (month 13, 31/02, 25:00), dates
before 2000 and dates more than a day in the future are refused (None), never clamped: a wrong
date can be used to discredit the evidence.

Nothing here decodes pixels: PNG chunks are walked by hand (the pixel data is skipped over), and
other formats are only opened by Pillow, which reads their headers.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pillow_heif import register_heif_opener

register_heif_opener()  # the library's own switch, as images.py does: HEIC opens like the rest

Source = Literal["metadata", "file_name"]
Detail = Literal[
    "exif_date_time_original",
    "xmp_date_created",
    "png_creation_time",
    "file_name",
    "png_last_modified",
]

DETAIL_LABELS: dict[str, Promise] = {
    "exif_date_time_original": _("the capture date written by the device (EXIF DateTimeOriginal)"),
    "xmp_date_created": _("the creation date written in the file (XMP)"),
    "png_creation_time": _("the creation time written in the image (PNG text)"),
    "file_name": _("the file name"),
    "png_last_modified": _("the last modification time written in the image (PNG tIME)"),
}

OLDEST_YEAR = 2000
FUTURE_ALLOWANCE = dt.timedelta(days=1)  # a phone clock a little ahead, or another time zone
MAX_NAME_LENGTH = 255  # what file systems allow; anything longer is not a phone's name
_MAX_OFFSET = dt.timedelta(hours=14)  # the widest offsets in use: UTC−12 to UTC+14

# The platform vocabulary of guidance/facts.py's `platforms`, from the app names Samsung writes
# ("Screenshot_…_WhatsApp.jpg") and the package names Xiaomi writes ("…_com.whatsapp.jpg").
APP_PLATFORMS: dict[str, str] = {
    "whatsapp": "whatsapp",
    "com.whatsapp": "whatsapp",
    "com.whatsapp.w4b": "whatsapp",
    "instagram": "instagram",
    "com.instagram.android": "instagram",
    "tiktok": "tiktok",
    "com.zhiliaoapp.musically": "tiktok",
    "com.ss.android.ugc.trill": "tiktok",
    "snapchat": "snapchat",
    "com.snapchat.android": "snapchat",
    "x": "x",
    "twitter": "x",
    "com.twitter.android": "x",
    "facebook": "facebook",
    "messenger": "facebook",
    "com.facebook.katana": "facebook",
    "com.facebook.orca": "facebook",
    "youtube": "youtube",
    "com.google.android.youtube": "youtube",
    "discord": "discord",
    "com.discord": "discord",
    "twitch": "twitch",
    "tv.twitch.android.app": "twitch",
    "telegram": "telegram",
    "org.telegram.messenger": "telegram",
    "messages": "sms",
    "samsung messages": "sms",
    "com.google.android.apps.messaging": "sms",
    "com.samsung.android.messaging": "sms",
    "gmail": "email",
    "outlook": "email",
    "com.google.android.gm": "email",
    "com.microsoft.office.outlook": "email",
}


@dataclass(frozen=True)
class CaptureTime:
    """A capture time read from a file, with where it was read."""

    moment: dt.datetime  # aware
    source: Source
    detail: Detail
    read: str  # the text it was read from, exactly as found (or the file name)
    # False: the file gave a local time without offset, taken as settings.TIME_ZONE's.
    timezone_stated: bool
    # A local time in the autumn's repeated hour: the moment may be an hour later.
    ambiguous: bool = False
    platform: str | None = None  # suggested by the app the file name names

    @property
    def timezone_assumed(self) -> bool:
        return not self.timezone_stated

    @property
    def label(self) -> Promise:
        return DETAIL_LABELS[self.detail]


def read_capture_time(
    name: str, data: bytes, *, now: dt.datetime | None = None
) -> CaptureTime | None:
    """The best capture time the file's metadata or name gives, or None; never a guess."""
    found = read_capture_times(name, data, now=now)
    return found[0] if found else None


def read_capture_times(
    name: str, data: bytes, *, now: dt.datetime | None = None
) -> list[CaptureTime]:
    """Every capture time the file gives, best first (the order of the module's docstring)."""
    now = now or timezone.now()
    platform = platform_from_file_name(name)
    metadata = _png_metadata(data) if data.startswith(_PNG_SIGNATURE) else _other_metadata(data)
    from_name = _from_file_name(name, now)
    found = [time for time in metadata if time.detail != "png_last_modified"]
    found += [from_name] if from_name else []
    found += [time for time in metadata if time.detail == "png_last_modified"]
    return [
        time if time.platform == platform else _with_platform(time, platform)
        for time in found
        if _plausible(time.moment, now)
    ]


def capture_time(name: str, data: bytes, *, now: dt.datetime | None = None) -> CaptureTime | None:
    """The time the file says it was taken, for the vault to record: the best of
    read_capture_times, never a PNG's last modification (tIME), which is not a capture."""
    return next(
        (
            time
            for time in read_capture_times(name, data, now=now)
            if time.detail != "png_last_modified"
        ),
        None,
    )


def platform_from_file_name(name: str) -> str | None:
    """The platform a screenshot's name suggests (Samsung and Xiaomi name the app), or None."""
    match = _screenshot_name(name)
    return _platform(match.group("tail")) if match else None


# EXIF ---------------------------------------------------------------------------------------

_EXIF_IFD = 0x8769
_DATE_TIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_EXIF_DATE = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})", re.ASCII)
_EXIF_OFFSET = re.compile(r"[+-]\d{2}:\d{2}", re.ASCII)


def exif_taken_at(image: Image.Image) -> str | None:
    """The camera's own capture time, if the file states one we can read; never a guess.
    ISO 8601, with the offset when the file gives it (images.py records it as read)."""
    try:
        return _exif_stamp(image.getexif())
    except Exception:  # malformed EXIF is common and never a reason to refuse the image
        return None


def _exif_stamp(exif: Image.Exif) -> str | None:
    try:
        details = exif.get_ifd(_EXIF_IFD)
        stamp = _EXIF_DATE.fullmatch(str(details.get(_DATE_TIME_ORIGINAL, "")).strip("\0 "))
        offset = str(details.get(_OFFSET_TIME_ORIGINAL, "")).strip("\0 ")
    except Exception:
        return None
    if stamp is None:
        return None
    year, month, day, hour, minute, second = stamp.groups()
    text = f"{year}-{month}-{day}T{hour}:{minute}:{second}"
    return text + offset if _EXIF_OFFSET.fullmatch(offset) else text


def _from_exif(exif: Image.Exif) -> CaptureTime | None:
    stamp = _exif_stamp(exif)
    return _from_iso(stamp, "exif_date_time_original") if stamp else None


# PNG ----------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_CHUNKS = 100_000  # a 20 MB PNG in 8 KB pixel chunks has 2,500
_MAX_TEXT = 1024 * 1024  # an XMP packet is a few KB; Photoshop's can reach hundreds
_XMP_KEYWORD = b"XML:com.adobe.xmp"
_CREATION_TIME = b"Creation Time"


def _png_metadata(data: bytes) -> list[CaptureTime]:
    """Walk the chunks (the pixel data is skipped over, never read), bounded in count and size."""
    exif = xmp = creation = modified = None
    offset = len(_PNG_SIGNATURE)
    for _chunk_number in range(_MAX_CHUNKS):
        if offset + 8 > len(data):
            break
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if len(body) < length or kind == b"IEND":
            break
        if kind == b"eXIf" and exif is None:
            exif = _from_exif(_exif_from_bytes(body))
        elif kind == b"tIME" and modified is None:
            modified = _from_png_time(body)
        elif kind in (b"tEXt", b"zTXt", b"iTXt") and length <= _MAX_TEXT:
            keyword, text = _png_text(kind, body)
            if keyword == _XMP_KEYWORD and xmp is None:
                xmp = _from_xmp(text)
            elif keyword == _CREATION_TIME and creation is None:
                creation = _from_text(text, "png_creation_time")
    return [time for time in (exif, xmp, creation, modified) if time is not None]


def _exif_from_bytes(body: bytes) -> Image.Exif:
    exif = Image.Exif()
    try:
        exif.load(body)
    except Exception:  # malformed: as if absent
        return Image.Exif()
    return exif


def _png_text(kind: bytes, body: bytes) -> tuple[bytes, str]:
    """A text chunk's keyword and text (PNG spec: tEXt Latin-1, zTXt zlib, iTXt UTF-8)."""
    keyword, _sep, rest = body.partition(b"\0")
    try:
        if kind == b"tEXt":
            return keyword, rest.decode("latin-1")
        if kind == b"zTXt":
            return keyword, _inflate(rest[1:]).decode("latin-1")
        compressed, _method, rest = rest[0], rest[1], rest[2:]
        _language, _sep, rest = rest.partition(b"\0")
        _translated, _sep, text = rest.partition(b"\0")
        return keyword, (_inflate(text) if compressed else text).decode("utf-8")
    except (IndexError, UnicodeDecodeError, zlib.error):
        return keyword, ""


def _inflate(data: bytes) -> bytes:
    """At most _MAX_TEXT bytes out, whatever the compressed text claims."""
    return zlib.decompressobj().decompress(data, _MAX_TEXT)


def _from_png_time(body: bytes) -> CaptureTime | None:
    """tIME: the last modification, in UTC by definition (PNG spec 11.3.6.1)."""
    if len(body) != 7:
        return None
    year, month, day, hour, minute, second = struct.unpack(">HBBBBB", body)
    try:
        moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except ValueError:
        return None
    read = f"{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"
    return CaptureTime(moment, "metadata", "png_last_modified", read, timezone_stated=True)


# XMP and text dates -------------------------------------------------------------------------

# A regex, not an XML parser: the packet is hostile input, and only one value is wanted.
_XMP_DATE = re.compile(
    r"(?:photoshop:DateCreated|xmp:CreateDate|exif:DateTimeOriginal)\s*"
    r"(?:=\s*[\"']([^\"'<>]{1,64})[\"']|>\s*([^<>]{1,64}?)\s*<)"
)
_ISO_DATE = re.compile(
    r"(\d{4})[-:](\d{2})[-:](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d{1,9})?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)


def _from_xmp(text: str) -> CaptureTime | None:
    match = _XMP_DATE.search(text)
    return _from_iso(match.group(1) or match.group(2), "xmp_date_created") if match else None


def _from_text(text: str, detail: Detail) -> CaptureTime | None:
    """ISO 8601 or EXIF style ("2026-11-24T18:13:02+01:00", "2026:11:24 18:13:02"), or the RFC
    1123 form the PNG spec suggests for Creation Time ("Tue, 24 Nov 2026 18:13:02 +0100")."""
    text = text.strip("\0 \t\r\n")[:128]
    return _from_iso(text, detail) or _from_rfc_1123(text, detail)


def _from_iso(text: str, detail: Detail) -> CaptureTime | None:
    match = _ISO_DATE.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        wall = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
        )
    except ValueError:
        return None
    if zone is None:
        return _local(wall, "metadata", detail, text)
    offset = _offset(zone)
    if offset is None:
        return None
    return CaptureTime(wall.replace(tzinfo=offset), "metadata", detail, text, timezone_stated=True)


def _offset(zone: str) -> dt.timezone | None:
    if zone == "Z":
        return dt.UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    delta = sign * dt.timedelta(hours=hours, minutes=minutes)
    if minutes >= 60 or abs(delta) > _MAX_OFFSET:
        return None
    return dt.timezone(delta)


def _from_rfc_1123(text: str, detail: Detail) -> CaptureTime | None:
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000": the writer did not know its zone
        return _local(moment, "metadata", detail, text)
    if abs(moment.utcoffset() or dt.timedelta()) > _MAX_OFFSET:
        return None
    return CaptureTime(moment, "metadata", detail, text, timezone_stated=True)


# JPEG, WebP, HEIC ---------------------------------------------------------------------------


def _other_metadata(data: bytes) -> list[CaptureTime]:
    """EXIF, then XMP, as Pillow reads them from the headers (nothing here calls load())."""
    try:
        image = Image.open(BytesIO(data), formats=("JPEG", "WEBP", "HEIF"))
        exif = _from_exif(image.getexif())
        xmp_packet = image.info.get("xmp", b"")
    except Exception:  # not an image we read metadata from, or damaged: nothing to read
        return []
    xmp = None
    if isinstance(xmp_packet, bytes | str) and 0 < len(xmp_packet) <= _MAX_TEXT:
        text = (
            xmp_packet.decode("utf-8", "replace") if isinstance(xmp_packet, bytes) else xmp_packet
        )
        xmp = _from_xmp(text)
    return [time for time in (exif, xmp) if time is not None]


# File names ---------------------------------------------------------------------------------

_APOSTROPHE = "['\u2019\u02bc]"
_SPACE = "[ _\u00a0\u202f-]"
_SCREENSHOT_NAME = re.compile(
    # The word the system writes first.
    rf"(?:screenshot|screen{_SPACE}?shot|capture{_SPACE}?d{_APOSTROPHE}?{_SPACE}?[éÉeE]cran)"
    rf"(?:{_SPACE}+(?:from|du|de|le))?{_SPACE}*"
    # The date: 20261124, 2026-11-24, 2026_11_24, 2026.11.24.
    r"(?P<year>\d{4})(?P<date_sep>[-_.]?)(?P<month>\d{2})(?P=date_sep)(?P<day>\d{2})"
    # Between date and time: "-", "_", " ", " à ", " at ".
    rf"(?:{_SPACE}+(?:[àa]|at){_SPACE}+|{_SPACE}|[.])"
    # The time: 181302, 18-13-02, 18.13.02, 6.13.02 PM.
    r"(?:(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})(?!\d)"
    r"|(?P<hour_s>\d{1,2})(?P<time_sep>[-_.:])(?P<minute_s>\d{2})(?P=time_sep)(?P<second_s>\d{2}))"
    rf"(?:{_SPACE}?(?P<ampm>[ap]\.?m\.?))?"
    # Whatever follows: milliseconds, the app (Samsung, Xiaomi), "(2)", "-1", then the extension.
    r"(?P<tail>.*?)"
    r"(?:\.(?:png|jpe?g|webp|heic|heif|gif))?",
    re.IGNORECASE | re.ASCII,
)


def _screenshot_name(name: str) -> re.Match[str] | None:
    base = _base_name(name)
    if base is None:
        return None
    # re.ASCII keeps \d to 0-9 (no Arabic-Indic or full-width digits) but also makes "é" an
    # ordinary character, which is what the pattern above spells out.
    return _SCREENSHOT_NAME.fullmatch(unicodedata.normalize("NFC", base))


def _base_name(name: str) -> str | None:
    """The last part of a name that may carry a path; None for what no phone would name a file:
    too long, or holding control or invisible formatting characters (bidi overrides…)."""
    if not name or len(name) > MAX_NAME_LENGTH:
        return None
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in name):
        return None
    return re.split(r"[/\\]", name)[-1]


def _from_file_name(name: str, now: dt.datetime) -> CaptureTime | None:
    match = _screenshot_name(name)
    if match is None:
        return None
    parts = match.groupdict()
    hour = int(parts["hour"] or parts["hour_s"])
    minute = int(parts["minute"] or parts["minute_s"])
    second = int(parts["second"] or parts["second_s"])
    if parts["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if parts["ampm"].lower().startswith("p") else 0)
    try:
        wall = dt.datetime(
            int(parts["year"]), int(parts["month"]), int(parts["day"]), hour, minute, second
        )
    except ValueError:
        return None
    found = _local(wall, "file_name", "file_name", _base_name(name) or name)
    if found is None:
        return None
    return _with_platform(found, _platform(parts["tail"]))


def _platform(tail: str) -> str | None:
    """The app in what follows the time: "_WhatsApp", "-123_com.whatsapp", " (2)" (none)."""
    words = re.sub(r"\(\d+\)|(?<![a-z])\d+(?![a-z])", " ", tail.lower())
    app = re.sub(r"[ _\-]+", " ", words).strip(" .")
    return APP_PLATFORMS.get(app)


# The rule -----------------------------------------------------------------------------------


def _local(wall: dt.datetime, source: Source, detail: Detail, read: str) -> CaptureTime | None:
    """A local time without offset, taken as settings.TIME_ZONE's; None if it never existed
    there (the spring-forward gap), flagged ambiguous if it existed twice (autumn)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if _round_trip(first) != wall.replace(fold=0) or _round_trip(second) != wall.replace(fold=0):
        return None  # the wall clock skipped it: not a local time of this zone
    ambiguous = first.utcoffset() != second.utcoffset()
    return CaptureTime(first, source, detail, read, timezone_stated=False, ambiguous=ambiguous)


def _round_trip(moment: dt.datetime) -> dt.datetime:
    zone = moment.tzinfo
    return moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None, fold=0)


def _plausible(moment: dt.datetime, now: dt.datetime) -> bool:
    return moment.year >= OLDEST_YEAR and moment <= now + FUTURE_ALLOWANCE


def _with_platform(time: CaptureTime, platform: str | None) -> CaptureTime:
    return CaptureTime(
        time.moment,
        time.source,
        time.detail,
        time.read,
        time.timezone_stated,
        time.ambiguous,
        platform,
    )
