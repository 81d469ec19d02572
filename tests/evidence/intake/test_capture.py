"""Capture times read from a file's metadata and name, with where each was read: a time with an
offset keeps it, a local time without one is taken as Paris time and said so, an impossible or
implausible date is refused, and no pixel is ever decoded to find it."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from io import BytesIO
from zoneinfo import ZoneInfo

import pillow_heif
import pytest
from django.utils import translation
from PIL import Image, ImageFile

from evidence.intake.capture import (
    CaptureTime,
    platform_from_file_name,
    read_capture_time,
    read_capture_times,
)
from tests.evidence.intake import corpus

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
NOON_NOV_24 = "2026-11-24 18:13:02"

# name → (the local time read, the platform suggested); None: no time in that name.
FILE_NAMES: dict[str, tuple[str, str | None] | None] = {
    # Android (Pixel, AOSP), Samsung (names the app), Xiaomi (names the package).
    "Screenshot_20261124-181302.png": (NOON_NOV_24, None),
    "Screenshot_20261124-181302_WhatsApp.jpg": (NOON_NOV_24, "whatsapp"),
    "Screenshot_20261124-181302_Instagram.jpg": (NOON_NOV_24, "instagram"),
    "Screenshot_20261124-181302_TikTok.jpg": (NOON_NOV_24, "tiktok"),
    "Screenshot_20261124-181302_Snapchat.jpg": (NOON_NOV_24, "snapchat"),
    "Screenshot_20261124-181302_X.jpg": (NOON_NOV_24, "x"),
    "Screenshot_20261124-181302_Messenger.jpg": (NOON_NOV_24, "facebook"),
    "Screenshot_20261124-181302_Samsung Messages.jpg": (NOON_NOV_24, "sms"),
    "Screenshot_20261124-181302_Discord.jpg": (NOON_NOV_24, "discord"),
    "Screenshot_20261124-181302_Chrome.jpg": (NOON_NOV_24, None),  # a browser: no platform
    "Screenshot_20261124_181302.png": (NOON_NOV_24, None),
    "Screenshot_2026-11-24-18-13-02-123_com.whatsapp.jpg": (NOON_NOV_24, "whatsapp"),
    "Screenshot_2026-11-24-18-13-02-123_com.zhiliaoapp.musically.jpg": (NOON_NOV_24, "tiktok"),
    "screenshot_20261124-181302.PNG": (NOON_NOV_24, None),
    # Windows (Snipping Tool), French and English.
    "Capture d'écran 2026-11-24 181302.png": (NOON_NOV_24, None),
    "Capture d’écran 2026-11-24 181302.png": (NOON_NOV_24, None),
    "Screenshot 2026-11-24 181302.png": (NOON_NOV_24, None),
    "Capture d'écran (12).png": None,  # Win+Print Screen numbers them: no time
    # macOS, French and English, 24-hour and 12-hour (a narrow no-break space since Ventura).
    "Capture d’écran 2026-11-24 à 18.13.02.png": (NOON_NOV_24, None),
    "Capture d'écran 2026-11-24 à 18.13.02.png": (NOON_NOV_24, None),
    # As macOS file systems may hand it over: "é" decomposed into "e" and a combining accent.
    "Capture d’e\u0301cran 2026-11-24 a\u0300 18.13.02.png": (NOON_NOV_24, None),
    "Screenshot 2026-11-24 at 18.13.02.png": (NOON_NOV_24, None),
    "Screen Shot 2026-11-24 at 6.13.02 PM.png": (NOON_NOV_24, None),
    "Screenshot 2026-11-24 at 6.13.02\u202fPM.png": (NOON_NOV_24, None),
    "Screenshot 2026-11-24 at 12.13.02 AM.png": ("2026-11-24 00:13:02", None),
    "Screenshot 2026-11-24 at 12.13.02 PM.png": ("2026-11-24 12:13:02", None),
    "Screenshot 2026-11-24 at 13.13.02 PM.png": None,  # no 13 PM
    # GNOME, French and English.
    "Screenshot from 2026-11-24 18-13-02.png": (NOON_NOV_24, None),
    "Capture d’écran du 2026-11-24 18-13-02.png": (NOON_NOV_24, None),
    # The usual variants: a copy number, a suffix, no extension, other separators.
    "Capture d’écran 2026-11-24 à 18.13.02 (2).png": (NOON_NOV_24, None),
    "Screenshot_20261124-181302(1).png": (NOON_NOV_24, None),
    "Screenshot_20261124-181302-edited.png": (NOON_NOV_24, None),
    "Screenshot 2026-11-24 at 18.13.02 copie.png": (NOON_NOV_24, None),
    "Screenshot_20261124-181302": (NOON_NOV_24, None),
    "Screenshot_2026.11.24_18.13.02.jpg": (NOON_NOV_24, None),
    # Names that carry no capture time.
    "IMG_1234.PNG": None,  # iPhone: metadata only
    "IMG_20261124_181302.jpg": None,  # camera names are not read (Pixel's are in UTC)
    "PXL_20261124_171302123.jpg": None,
    "IMG-20261124-WA0003.jpg": None,  # WhatsApp's received image: a day, not a capture time
    "photo.png": None,
    "Screenshot.png": None,
    # Hostile names.
    "../../etc/Screenshot_20261124-181302.png": (NOON_NOV_24, None),
    "C:\\Users\\Lou\\Screenshot_20261124-181302.png": (NOON_NOV_24, None),
    "Screenshot_20261124-181302" + "_x" * 200 + ".png": None,  # longer than any file system
    "Screenshot_" + "2" * 10_000 + ".png": None,
    "Screenshot_\uff12\uff10\uff12\uff16\uff11\uff11\uff12\uff14-181302.png": None,  # full-width
    "Screenshot_\u0662\u0660\u0662\u0666\u0661\u0661\u0662\u0664-181302.png": None,  # Arabic
    "Screenshot_20261124-181302\u202egnp.exe": None,  # a right-to-left override
    "Screenshot_20261124-181302\u200b.png": None,  # a zero-width space
    "Screenshot_20261124-181302.png\x00.exe": None,
    "Screenshot_20261124-181302.png\n": None,
    "": None,
    # Impossible or implausible dates are refused, never clamped.
    "Screenshot_20261324-181302.png": None,  # month 13
    "Screenshot_20260231-181302.png": None,  # 31 February
    "Screenshot_20261124-251302.png": None,  # 25 o'clock
    "Screenshot_20261124-186002.png": None,  # minute 60
    "Screenshot_19991231-235959.png": None,  # before 2000
    "Screenshot_20261203-120000.png": None,  # more than a day in the future
    "Screenshot_20261202-120000.png": ("2026-12-02 12:00:00", None),  # within the day allowed
    "Screenshot_20260329-023000.png": None,  # never happened in Paris: the clocks skipped it
}


@pytest.mark.parametrize("name", FILE_NAMES)
def test_a_screenshots_name_gives_its_local_capture_time_and_app(name):
    expected = FILE_NAMES[name]
    found = read_capture_time(name, b"", now=NOW)
    if expected is None:
        assert found is None
        return
    wall, platform = expected
    assert found is not None
    assert found.moment == dt.datetime.fromisoformat(wall).replace(tzinfo=PARIS)
    assert (found.source, found.detail, found.platform) == ("file_name", "file_name", platform)
    assert found.timezone_assumed and not found.timezone_stated
    assert platform_from_file_name(name) == platform


def test_the_name_read_is_the_file_name_without_its_path():
    found = read_capture_time("../../Screenshot_20261124-181302.png", b"", now=NOW)
    assert found is not None and found.read == "Screenshot_20261124-181302.png"


def test_a_time_repeated_when_the_clocks_go_back_is_kept_and_flagged_ambiguous():
    found = read_capture_time("Screenshot_20261025-023000.png", b"", now=NOW)
    assert found is not None and found.ambiguous
    assert found.moment.utcoffset() == dt.timedelta(hours=2)  # the first of the two
    assert not read_capture_time("Screenshot_20261025-033000.png", b"", now=NOW).ambiguous


def test_a_summer_time_name_is_read_at_paris_summer_offset():
    found = read_capture_time("Screenshot_20260714-101500.png", b"", now=NOW)
    assert found.moment.utcoffset() == dt.timedelta(hours=2)


# EXIF ---------------------------------------------------------------------------------------


def jpeg_with_exif(taken: str | None, offset: str | None = None) -> bytes:
    exif = Image.Exif()
    details = exif.get_ifd(0x8769)
    if taken is not None:
        details[0x9003] = taken  # DateTimeOriginal
    if offset is not None:
        details[0x9011] = offset  # OffsetTimeOriginal
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


# (DateTimeOriginal, OffsetTimeOriginal) → (moment, timezone stated); None: refused.
EXIF_TIMES: dict[tuple[str, str | None], tuple[dt.datetime, bool] | None] = {
    ("2026:11:24 18:13:02", "+01:00"): (
        dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        True,
    ),
    ("2026:11:24 18:13:02", "-05:00"): (  # taken in New York: kept as it says
        dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        True,
    ),
    ("2026:11:24 18:13:02", None): (dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS), False),
    ("2026:11:24 18:13:02", "garbage"): (
        dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS),
        False,
    ),
    ("0000:00:00 00:00:00", None): None,  # what cameras write when their clock was never set
    ("2026:13:24 18:13:02", "+01:00"): None,
    ("2026:02:31 18:13:02", "+01:00"): None,
    ("1999:12:31 23:59:59", "+01:00"): None,
    ("2027:06:01 10:00:00", "+01:00"): None,
    ("2026:11:24", None): None,
}


@pytest.mark.parametrize("exif", EXIF_TIMES)
def test_exif_gives_the_devices_capture_time_with_its_offset_when_it_has_one(exif):
    expected = EXIF_TIMES[exif]
    found = read_capture_time("IMG_1234.JPG", jpeg_with_exif(*exif), now=NOW)
    if expected is None:
        assert found is None
        return
    moment, stated = expected
    assert found.moment == moment
    assert found.moment.utcoffset() == moment.utcoffset()
    assert (found.source, found.detail, found.timezone_stated) == (
        "metadata",
        "exif_date_time_original",
        stated,
    )


def test_metadata_comes_before_the_name_and_the_name_still_suggests_the_platform():
    data = jpeg_with_exif("2026:11:24 18:13:02", "+01:00")
    found = read_capture_times("Screenshot_20261124-181500_WhatsApp.jpg", data, now=NOW)
    assert [(time.detail, time.moment.minute) for time in found] == [
        ("exif_date_time_original", 13),
        ("file_name", 15),
    ]
    assert {time.platform for time in found} == {"whatsapp"}


def test_a_damaged_or_foreign_file_still_gives_its_names_time():
    for data in (b"not an image at all", corpus.truncated_jpeg(), corpus.pdf(), corpus.svg()):
        found = read_capture_time("Screenshot_20261124-181302.png", data, now=NOW)
        assert found is not None and found.source == "file_name"


def heic_with_exif() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8769).update({0x9003: "2026:11:24 18:13:02", 0x9011: "+00:00"})
    buffer = BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 64), "white")).save(buffer, exif=exif.tobytes())
    return buffer.getvalue()


def test_a_heic_photos_exif_is_read():
    found = read_capture_time("IMG_0001.HEIC", heic_with_exif(), now=NOW)
    assert found is not None and found.detail == "exif_date_time_original"
    assert found.moment == dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=dt.UTC)


# PNG ----------------------------------------------------------------------------------------


def chunk(kind: bytes, body: bytes = b"") -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with(*chunks: bytes, before_pixels: bool = False) -> bytes:
    """A real 1170×2532 PNG, with the given chunks after its pixel data (where a reader that
    stops at the pixels never sees them) or before it."""
    buffer = BytesIO()
    Image.new("RGB", (1170, 2532), "white").save(buffer, "PNG")
    data = buffer.getvalue()
    extra = b"".join(chunks)
    if before_pixels:
        at = data.index(b"IDAT") - 4
        return data[:at] + extra + data[at:]
    at = data.index(b"IEND") - 4
    return data[:at] + extra + data[at:]


def text(keyword: str, value: str) -> bytes:
    return chunk(b"tEXt", keyword.encode("latin-1") + b"\0" + value.encode("latin-1"))


def ztext(keyword: str, value: bytes) -> bytes:
    return chunk(b"zTXt", keyword.encode("latin-1") + b"\0\0" + zlib.compress(value))


def itext(keyword: str, value: str, compressed: bool = False) -> bytes:
    body = zlib.compress(value.encode()) if compressed else value.encode()
    header = keyword.encode() + b"\0" + bytes([int(compressed), 0]) + b"\0\0"
    return chunk(b"iTXt", header + body)


def png_time(*parts: int) -> bytes:
    return chunk(b"tIME", struct.pack(">HBBBBB", *parts))


MACOS_XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description rdf:about=""'
    ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
    "<photoshop:DateCreated>2026-11-24T18:13:02</photoshop:DateCreated>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)
XMP_WITH_OFFSET = MACOS_XMP.replace("18:13:02<", "18:13:02.512+01:00<")
XMP_AS_ATTRIBUTE = '<rdf:Description xmp:CreateDate="2026-11-24T18:13:02Z"/>'
PARIS_WINTER = dt.timezone(dt.timedelta(hours=1))

# chunks → (detail, moment, timezone stated)
PNG_METADATA = {
    "xmp, as macOS writes it": (
        [itext("XML:com.adobe.xmp", MACOS_XMP)],
        ("xmp_date_created", dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS), False),
    ),
    "xmp with an offset, compressed": (
        [itext("XML:com.adobe.xmp", XMP_WITH_OFFSET, compressed=True)],
        ("xmp_date_created", dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS_WINTER), True),
    ),
    "xmp CreateDate as an attribute, in UTC": (
        [itext("XML:com.adobe.xmp", XMP_AS_ATTRIBUTE)],
        ("xmp_date_created", dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=dt.UTC), True),
    ),
    "Creation Time, ISO": (
        [text("Creation Time", "2026-11-24T18:13:02+01:00")],
        ("png_creation_time", dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS_WINTER), True),
    ),
    "Creation Time, EXIF style, compressed": (
        [ztext("Creation Time", b"2026:11:24 18:13:02")],
        ("png_creation_time", dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS), False),
    ),
    "Creation Time, RFC 1123 as the PNG spec suggests": (
        [text("Creation Time", "Tue, 24 Nov 2026 18:13:02 +0100")],
        ("png_creation_time", dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS_WINTER), True),
    ),
    "tIME, the last modification, in UTC": (
        [png_time(2026, 11, 24, 17, 13, 2)],
        ("png_last_modified", dt.datetime(2026, 11, 24, 17, 13, 2, tzinfo=dt.UTC), True),
    ),
}


def exif_chunk() -> bytes:
    """An eXIf chunk: the TIFF block itself, without JPEG's "Exif\\0\\0" marker."""
    exif = Image.Exif()
    exif.get_ifd(0x8769).update({0x9003: "2026:11:24 18:13:02", 0x9011: "+01:00"})
    return chunk(b"eXIf", exif.tobytes().removeprefix(b"Exif\0\0"))


PNG_METADATA["eXIf with an offset"] = (  # after exif_chunk is defined
    [exif_chunk()],
    ("exif_date_time_original", dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS_WINTER), True),
)


@pytest.mark.parametrize("case", PNG_METADATA)
@pytest.mark.parametrize("before_pixels", [False, True], ids=["after pixels", "before pixels"])
def test_a_pngs_metadata_gives_its_time_wherever_the_chunk_is(case, before_pixels):
    chunks, (detail, moment, stated) = PNG_METADATA[case]
    found = read_capture_time(
        "IMG_1234.PNG", png_with(*chunks, before_pixels=before_pixels), now=NOW
    )
    assert found is not None
    assert (found.source, found.detail, found.timezone_stated) == ("metadata", detail, stated)
    assert found.moment == moment and found.moment.utcoffset() == moment.utcoffset()


def test_the_last_modification_time_comes_after_every_capture_time_even_the_name():
    data = png_with(png_time(2026, 11, 25, 9, 0, 0), text("Creation Time", "2026:11:24 18:13:02"))
    found = read_capture_times("Screenshot_20261124-181302.png", data, now=NOW)
    assert [time.detail for time in found] == [
        "png_creation_time",
        "file_name",
        "png_last_modified",
    ]


def test_metadata_is_read_without_decoding_a_single_pixel(monkeypatch):
    png = png_with(
        exif_chunk(), itext("XML:com.adobe.xmp", MACOS_XMP), png_time(2026, 1, 1, 0, 0, 0)
    )
    jpeg = jpeg_with_exif("2026:11:24 18:13:02", "+01:00")
    heic = heic_with_exif()

    def refuse(*args, **kwargs):
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)
    assert [time.detail for time in read_capture_times("a.png", png, now=NOW)] == [
        "exif_date_time_original",
        "xmp_date_created",
        "png_last_modified",
    ]
    assert read_capture_time("a.jpg", jpeg, now=NOW).detail == "exif_date_time_original"
    assert read_capture_time("a.heic", heic, now=NOW).detail == "exif_date_time_original"


def inflating_text(size: int) -> bytes:
    """A zTXt "Creation Time" that inflates to `size` bytes: a time, then spaces."""
    packer = zlib.compressobj(9)
    body = packer.compress(b"2026:11:24 18:13:02")
    spaces = b" " * 1_000_000
    body += b"".join(packer.compress(spaces) for _ in range(size // len(spaces)))
    return chunk(b"zTXt", b"Creation Time\0\0" + body + packer.flush())


# Hostile PNGs: each is read as if the bad part were absent, quickly and in bounded memory.
# case → (how to make it, the details still read)
HOSTILE_PNGS = {
    "a chunk claiming 4 GB": (
        lambda: png_with(struct.pack(">I", 0xFFFFFFFF) + b"tEXtCreation Time\0"),
        [],
    ),
    "a compressed text that inflates to 200 MB: its first MB is read": (
        lambda: png_with(inflating_text(200_000_000)),
        ["png_creation_time"],
    ),
    "an XMP of 2 MB": (lambda: png_with(itext("XML:com.adobe.xmp", MACOS_XMP * 10_000)), []),
    "an XMP of junk": (lambda: png_with(itext("XML:com.adobe.xmp", "<" * 500_000)), []),
    "a malformed eXIf": (lambda: png_with(chunk(b"eXIf", b"MM\0*garbage")), []),
    "a tIME of the wrong size": (lambda: png_with(chunk(b"tIME", b"\x07\xea\x0b")), []),
    "a tIME of 31 February": (lambda: png_with(png_time(2026, 2, 31, 10, 0, 0)), []),
    "an unreadable Creation Time": (lambda: png_with(text("Creation Time", "hier soir")), []),
    "an iTXt cut short": (lambda: png_with(chunk(b"iTXt", b"XML:com.adobe.xmp\0")), []),
    "1.7 million empty chunks (20 MB), then a time": (
        lambda: (
            corpus.small_png()[:33]
            + chunk(b"abCd") * 1_700_000
            + text("Creation Time", "2026:11:24 18:13:02")
            + chunk(b"IEND")
        ),
        [],  # past the chunks a reader walks
    ),
    "only a signature": (lambda: b"\x89PNG\r\n\x1a\n", []),
    "truncated in a chunk": (
        lambda: png_with(text("Creation Time", "2026:11:24 18:13:02"))[:-20],
        [],
    ),
}


@pytest.mark.parametrize("case", HOSTILE_PNGS)
def test_a_hostile_png_is_read_as_if_its_bad_part_were_absent(case):
    make, details = HOSTILE_PNGS[case]
    found = read_capture_times("IMG_1234.PNG", make(), now=NOW)
    assert [time.detail for time in found] == details


# Labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "detail", ["exif_date_time_original", "xmp_date_created", "png_creation_time", "file_name"]
)
def test_where_a_time_was_read_is_said_in_french_and_english(detail):
    time = CaptureTime(NOW, "metadata", detail, "", timezone_stated=True)
    with translation.override("fr"):
        french = str(time.label)
    with translation.override("en"):
        english = str(time.label)
    assert (
        french != english and english.startswith("the ") and french.startswith(("la ", "l’", "le "))
    )


def test_the_last_modification_label_says_it_is_not_a_capture_time():
    time = CaptureTime(NOW, "metadata", "png_last_modified", "", timezone_stated=True)
    with translation.override("fr"):
        assert "modification" in str(time.label)
    with translation.override("en"):
        assert "modification" in str(time.label)
