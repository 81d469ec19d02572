"""Chat exports as zip archives: read in memory, the conversation and its media returned as
(name, bytes) never decoded, and every kind of bad archive turned into a problem a person can
read, without inflating more than the archive plausibly holds."""

from __future__ import annotations

import io
import zipfile

import pytest

from evidence.intake.chats import read_chat
from evidence.intake.chats.files import MAX_MEDIA_BYTES
from evidence.intake.chats.whatsapp import WhatsAppImporter
from tests.evidence.intake import corpus

ANDROID_CHAT = (
    "13/11/2026 18:13 - Lucas: IMG-20261113-WA0003.jpg (fichier joint)\n"
    "13/11/2026 18:14 - Inès: mdr\n"
).encode()
IPHONE_CHAT = (
    "[13/11/2026 18:13:02] Lucas: \u200e<attached: 00000012-PHOTO-2026-11-13-18-13-02.jpg>\n"
).encode()


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_android_archive_gives_the_chat_and_its_media_as_bytes():
    photo = corpus.small_png()
    chat = read_chat(
        "WhatsApp Chat - 3e B.zip",
        zipped(
            {"Discussion WhatsApp avec 3e B.txt": ANDROID_CHAT, "IMG-20261113-WA0003.jpg": photo}
        ),
    )
    assert chat.format == "whatsapp" and chat.title == "3e B"
    assert [m.author for m in chat.messages] == ["Lucas", "Inès"]
    assert chat.messages[0].attachments == ("IMG-20261113-WA0003.jpg",)
    assert [(media.name, media.data) for media in chat.media] == [
        ("IMG-20261113-WA0003.jpg", photo)
    ]
    assert chat.problems == ()


def test_an_iphone_archive_gives_its_chat_txt_and_media():
    photo = corpus.small_png()
    chat = read_chat(
        "WhatsApp Chat - 3e B.zip",
        zipped({"_chat.txt": IPHONE_CHAT, "00000012-PHOTO-2026-11-13-18-13-02.jpg": photo}),
    )
    assert chat.messages[0].attachments == ("00000012-PHOTO-2026-11-13-18-13-02.jpg",)
    assert [media.name for media in chat.media] == ["00000012-PHOTO-2026-11-13-18-13-02.jpg"]


def test_media_are_named_by_their_own_name_never_a_path():
    chat = read_chat(
        "chat.zip",
        zipped({"_chat.txt": IPHONE_CHAT, "../../etc/evil.jpg": b"x", "a\\b\\c.jpg": b"y"}),
    )
    assert sorted(media.name for media in chat.media) == ["c.jpg", "evil.jpg"]


def test_media_are_never_decoded_here(monkeypatch):
    from PIL import Image

    def refuse(*args, **kwargs):
        raise AssertionError("an image was opened")

    monkeypatch.setattr(Image, "open", refuse)
    chat = read_chat(
        "chat.zip", zipped({"_chat.txt": IPHONE_CHAT, "photo.jpg": corpus.truncated_jpeg()})
    )
    assert [media.name for media in chat.media] == ["photo.jpg"]


def test_a_media_too_large_is_left_out_and_named():
    big = b"\xff" * (MAX_MEDIA_BYTES + 1)
    chat = read_chat(
        "chat.zip", zipped({"_chat.txt": IPHONE_CHAT, "video.mp4": big}, zipfile.ZIP_STORED)
    )
    assert len(chat.messages) == 1 and chat.media == ()
    assert [(p.code, p.detail) for p in chat.problems] == [("media_skipped", "video.mp4")]


def bomb() -> bytes:
    """50 MB of zeros in a few kilobytes: a thousand to one."""
    return zipped({"_chat.txt": IPHONE_CHAT + b"\0" * 50_000_000})


def truncated() -> bytes:
    data = zipped({"_chat.txt": IPHONE_CHAT * 1000, "photo.jpg": corpus.small_png()})
    return data[: len(data) // 2]


def corrupted_member() -> bytes:
    """The directory is whole, the chat's compressed bytes are not."""
    data = bytearray(zipped({"_chat.txt": IPHONE_CHAT * 100}))
    start = data.index(b"_chat.txt") + len("_chat.txt")
    data[start + 10 : start + 60] = b"\xaa" * 50
    return bytes(data)


def encrypted() -> bytes:
    data = bytearray(zipped({"_chat.txt": IPHONE_CHAT}))
    # Set the "encrypted" flag in the local header and in the central directory.
    for header, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(header) + offset
        data[at] |= 0x1
    return bytes(data)


def many_members() -> bytes:
    return zipped({f"{number}.txt": b"" for number in range(20_001)}, zipfile.ZIP_STORED)


# archive → the problem said
BAD_ARCHIVES = {
    "a zip bomb": (bomb, "archive_too_large"),
    "a truncated archive": (truncated, "damaged_archive"),
    "a corrupted member": (corrupted_member, "damaged_archive"),
    "an encrypted archive": (encrypted, "encrypted_archive"),
    "twenty thousand files": (many_members, "archive_too_large"),
    "zip magic and nothing else": (lambda: b"PK\x03\x04" + b"\0" * 30, "damaged_archive"),
}


@pytest.mark.parametrize("case", BAD_ARCHIVES)
def test_a_bad_archive_gives_a_problem_not_a_traceback(case):
    make, code = BAD_ARCHIVES[case]
    data = make()
    assert read_chat("chat.zip", data).problem_codes == [code]
    assert WhatsAppImporter().parse("chat.zip", data).problem_codes == [code]


def test_an_archive_without_a_conversation_says_so():
    data = zipped({"photo.jpg": corpus.small_png()})
    assert read_chat("chat.zip", data).problem_codes == ["unknown_format"]
    assert WhatsAppImporter().parse("chat.zip", data).problem_codes == ["no_chat_in_archive"]


def test_an_archive_whose_text_is_not_whatsapp_is_an_unknown_format():
    data = zipped({"notes.txt": b"ma liste de courses\n"})
    assert read_chat("chat.zip", data).problem_codes == ["unknown_format"]
