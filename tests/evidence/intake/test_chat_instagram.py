"""Instagram's data download: one conversation's JSON, its broken accents repaired, its exact
instants shown in Paris time, put back in order, behind the same interface as WhatsApp."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from zoneinfo import ZoneInfo

from evidence.intake.chats import detect, messages_per_day, read_chat
from evidence.intake.chats.instagram import InstagramImporter
from tests.evidence.intake import corpus

PARIS = ZoneInfo("Europe/Paris")
THREAD = "your_instagram_activity/messages/inbox/kevin_du_93_17845"


def broken(text: str) -> str:
    """What Instagram writes: the UTF-8 bytes of each character as Latin-1 characters."""
    return text.encode().decode("latin-1")


def milliseconds(moment: str) -> int:
    return int(dt.datetime.fromisoformat(moment).timestamp() * 1000)


def conversation(**extra) -> dict:
    return {
        "participants": [{"name": broken("kevin_du_93")}, {"name": broken("Zoé")}],
        "messages": [  # newest first, as Instagram writes them
            {
                "sender_name": "kevin_du_93",
                "timestamp_ms": milliseconds("2026-11-24T17:14:00+00:00"),
                "photos": [{"uri": f"{THREAD}/photos/5551.jpg", "creation_timestamp": 1}],
            },
            {
                "sender_name": broken("Zoé"),
                "timestamp_ms": milliseconds("2026-11-24T17:13:30+00:00"),
                "content": broken("Laisse-moi tranquille s’il te plaît 😢"),
            },
            {
                "sender_name": "kevin_du_93",
                "timestamp_ms": milliseconds("2026-11-24T17:13:02+00:00"),
                "content": broken("T’es vraiment qu’une bouffonne"),
            },
            {
                "sender_name": "kevin_du_93",
                "timestamp_ms": milliseconds("2026-11-23T09:00:00+00:00"),
                "share": {"link": "https://www.instagram.com/p/Cx1/", "share_text": "regarde"},
            },
        ],
        "title": "kevin_du_93",
        "thread_path": "inbox/kevin_du_93_17845",
        **extra,
    }


def as_json(data: dict) -> bytes:
    return json.dumps(data).encode()  # \u escapes, as Instagram's files have


def test_a_conversation_is_read_in_order_with_its_accents_repaired():
    chat = read_chat("message_1.json", as_json(conversation()))
    assert chat.format == "instagram"
    assert [(m.author, m.text) for m in chat.messages] == [
        ("kevin_du_93", "regarde\nhttps://www.instagram.com/p/Cx1/"),
        ("kevin_du_93", "T’es vraiment qu’une bouffonne"),
        ("Zoé", "Laisse-moi tranquille s’il te plaît 😢"),
        ("kevin_du_93", ""),
    ]
    assert chat.participants == ("kevin_du_93", "Zoé")
    assert chat.messages[-1].attachments == ("5551.jpg",)
    assert chat.problem_codes == ["repaired_characters"]


def test_its_times_are_exact_instants_shown_in_paris_time():
    chat = read_chat("message_1.json", as_json(conversation()))
    assert chat.instants and chat.time_zone == "Europe/Paris"
    assert chat.messages[1].at == dt.datetime(2026, 11, 24, 18, 13, 2, tzinfo=PARIS)
    assert chat.messages[1].at.utcoffset() == dt.timedelta(hours=1)


def test_text_already_right_is_not_repaired():
    data = conversation()
    data["participants"] = [{"name": "Zoé"}]
    data["messages"] = [
        {"sender_name": "Zoé", "timestamp_ms": 1, "content": "déjà été, œuvre, 漢字"}
    ]
    chat = read_chat("message_1.json", json.dumps(data, ensure_ascii=False).encode())
    assert chat.messages[0].text == "déjà été, œuvre, 漢字"
    assert chat.problem_codes == []


def test_a_zip_of_one_conversation_gives_its_messages_and_the_photos_they_point_at():
    photo = corpus.small_png()
    first, second = conversation(), conversation()
    first["messages"], second["messages"] = first["messages"][:2], second["messages"][2:]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{THREAD}/message_1.json", as_json(first))
        archive.writestr(f"{THREAD}/message_2.json", as_json(second))
        archive.writestr(f"{THREAD}/photos/5551.jpg", photo)
        archive.writestr(f"{THREAD}/photos/unrelated.jpg", b"other")
    chat = read_chat("instagram-kevin.zip", buffer.getvalue())
    assert len(chat.messages) == 4
    assert [(media.name, media.data) for media in chat.media] == [("5551.jpg", photo)]


def test_a_whole_download_with_several_conversations_asks_for_one():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for thread in ("kevin_du_93_17845", "lea_12"):
            archive.writestr(f"messages/inbox/{thread}/message_1.json", as_json(conversation()))
    chat = read_chat("instagram.zip", buffer.getvalue())
    assert chat.messages == ()
    assert [(p.code, p.detail) for p in chat.problems] == [
        ("several_conversations", "kevin_du_93_17845, lea_12")
    ]


def test_json_that_is_not_a_conversation_is_not_taken_for_one():
    assert detect("data.json", b'{"name": "x"}') is None
    assert read_chat("data.json", b'{"name": "x"}').problem_codes == ["unknown_format"]
    broken_json = as_json(conversation())[:-10]
    assert isinstance(detect("message_1.json", broken_json), InstagramImporter)
    assert read_chat("message_1.json", broken_json).problem_codes == ["unknown_format"]


def test_a_message_without_a_time_is_kept_and_said():
    data = conversation()
    data["messages"].append({"sender_name": "kevin_du_93", "content": "sans heure"})
    chat = read_chat("message_1.json", as_json(data))
    assert chat.messages[-1].text == "sans heure" and chat.messages[-1].at is None
    assert "unreadable_date" in chat.problem_codes


def test_counts_per_day_are_in_paris_days():
    chat = read_chat("message_1.json", as_json(conversation()))
    assert [(d.day, d.messages, d.authors) for d in messages_per_day(chat)] == [
        (dt.date(2026, 11, 23), 1, 1),
        (dt.date(2026, 11, 24), 3, 2),
    ]
