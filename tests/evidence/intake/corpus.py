"""Upload samples, good and hostile, generated at test time (no binary files in the repository).

Each function returns the bytes a person (or an attacker) could upload. Samples with two
coloured halves put RED on the left (or top, once upright) and BLUE on the right (or bottom).
"""

from __future__ import annotations

import struct
import zlib
from functools import cache
from io import BytesIO

import pillow_heif
from PIL import Image, ImageDraw

RED = (220, 30, 30)
BLUE = (30, 30, 220)
MID_GREY_16_BIT = 32768
PHONE_SCREEN = (1170, 2532)
HTML_PAYLOAD = b"<html><script>alert(1)</script></html>"


@cache
def phone_screenshot(header: str = "") -> bytes:
    """A 1170x2532 PNG like an iPhone capture of a conversation: bubbles and lines of text (a
    different `header` makes a different capture)."""
    image = Image.new("RGB", PHONE_SCREEN, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, PHONE_SCREEN[0], 180), fill=(245, 245, 245))
    draw.text((40, 80), header, fill="black")
    for row, top in enumerate(range(260, PHONE_SCREEN[1] - 200, 220)):
        mine = row % 2 == 1
        left = 420 if mine else 40
        bubble = (0, 122, 255) if mine else (229, 229, 234)
        draw.rounded_rectangle((left, top, left + 700, top + 170), radius=40, fill=bubble)
        ink = "white" if mine else "black"
        draw.text((left + 40, top + 40), f"Message {row}: tu vas voir demain", fill=ink)
        draw.text((left + 40, top + 100), "lu à 22:47", fill=ink)
    return _encoded(image, "PNG")


def small_png() -> bytes:
    return _encoded(_halves((120, 80)), "PNG")


def png_with_html_appended() -> bytes:
    """A valid PNG with an HTML page after IEND: a polyglot a browser might sniff as HTML."""
    return small_png() + HTML_PAYLOAD


def truncated_png() -> bytes:
    data = phone_screenshot()
    return data[: len(data) // 2]


def truncated_jpeg() -> bytes:
    data = _encoded(_halves((400, 300)), "JPEG")
    return data[: len(data) // 2]


def decompression_bomb() -> bytes:
    """A tiny PNG whose header claims 100,000 x 100,000 pixels (10 gigapixels)."""
    return png_declaring(100_000, 100_000)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header claiming any size, followed by almost no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND")


def blank_png(width: int, height: int) -> bytes:
    """A real, fully decodable image that compresses to almost nothing."""
    return _encoded(Image.new("L", (width, height), 255), "PNG")


def svg() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )


def elf_executable() -> bytes:
    """The start of a Linux executable, as if renamed capture.png."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def pe_executable() -> bytes:
    """The start of a Windows executable, as if renamed capture.png."""
    return b"MZ\x90\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 200


def zero_bytes() -> bytes:
    return b""


def oversized(limit_bytes: int) -> bytes:
    """A real PNG one byte over the limit (padded after its end, as some phones do)."""
    data = small_png()
    return data + b"\0" * (limit_bytes + 1 - len(data))


def cmyk_jpeg() -> bytes:
    """Left half pure cyan, right half pure magenta, as print-ready CMYK."""
    image = Image.new("CMYK", (200, 100), (255, 0, 0, 0))
    image.paste((0, 255, 0, 0), (100, 0, 200, 100))
    return _encoded(image, "JPEG", quality=95)


def grey_16_bit_png() -> bytes:
    """A 16-bit greyscale PNG, all mid-grey (32768 of 65535)."""
    return _encoded(Image.new("I;16", (64, 64), MID_GREY_16_BIT), "PNG")


def transparent_png() -> bytes:
    return _encoded(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "PNG")


def animated_gif() -> bytes:
    return _animated("GIF")


def animated_webp() -> bytes:
    return _animated("WEBP")


def animated_png() -> bytes:
    return _animated("PNG")


def heic() -> bytes:
    """An iPhone-style HEIC photo, encoded with pillow-heif."""
    buffer = BytesIO()
    pillow_heif.from_pillow(_halves((256, 128))).save(buffer, quality=90)
    return buffer.getvalue()


def sideways_jpeg_with_gps() -> bytes:
    """A 200x100 photo stored sideways: EXIF Orientation 6 says "turn 90° clockwise to view".

    Stored RED left, BLUE right, so upright it is 100x200, RED on top. Carries GPS coordinates
    (Paris), a camera model and a capture date, none of which may reach a derivative.
    """
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x0110] = "iPhone 15"  # Model
    exif.get_ifd(0x8769)[0x9003] = "2025:03:14 22:47:00"  # DateTimeOriginal
    exif.get_ifd(0x8825).update(
        {
            1: "N",
            2: (48.0, 51.0, 24.0),
            3: "E",
            4: (2.0, 21.0, 7.0),
        }
    )
    return _encoded(_halves((200, 100)), "JPEG", quality=95, exif=exif.tobytes())


def pdf(pages: int = 2) -> bytes:
    """A minimal well-formed PDF of blank A4 pages, its page tree in plain text."""
    kids = " ".join(f"{3 + page} 0 R" for page in range(pages))
    return _pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
            *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages,
        ]
    )


def pdf_with_compressed_page_tree() -> bytes:
    """A PDF whose page tree sits in a compressed object stream, as most modern PDFs do."""
    packed = zlib.compress(b"2 0 << /Type /Pages /Kids [3 0 R] /Count 1 >>")
    header = b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>" % len(packed)
    return _pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            header + b"\nstream\n" + packed + b"\nendstream",
        ]
    )


def truncated_pdf() -> bytes:
    data = pdf(pages=40)
    return data[: len(data) // 2]


def _halves(size: tuple[int, int]) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    return image


def _animated(format: str) -> bytes:
    frames = [Image.new("RGB", (40, 40), colour) for colour in (RED, BLUE, "green")]
    buffer = BytesIO()
    frames[0].save(buffer, format, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def _encoded(image: Image.Image, format: str, **options) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes = b"") -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _pdf_file(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)
