"""WhatsApp's "Export chat", read into messages: every phone's date format, day/month order
decided from the file and ambiguity said, what WhatsApp writes itself told apart, the phone's
local time stated, and bad input turned into problems a person can read."""

from __future__ import annotations

import codecs
import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from evidence.intake.chats import PROBLEMS, detect, messages_per_day, read_chat
from evidence.intake.chats.whatsapp import WhatsAppImporter

PARIS = ZoneInfo("Europe/Paris")
NNBSP = "\u202f"
LRM = "\u200e"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def read(text: str, name: str = "Discussion WhatsApp avec 3e B.txt"):
    return read_chat(name, text.encode())


# format → (export, expected (time, author, text) of each message)
FORMATS = {
    "Android, French": (
        "13/11/2026 18:13 - Lucas: t’es nul\n24/11/2026 07:05 - Inès: mdr\n",
        [("2026-11-13 18:13", "Lucas", "t’es nul"), ("2026-11-24 07:05", "Inès", "mdr")],
    ),
    "Android, French, two-digit year": (
        "13/11/26 18:13 - Lucas: t’es nul\n",
        [("2026-11-13 18:13", "Lucas", "t’es nul")],
    ),
    "Android, English (UK)": (
        "13/11/2026, 18:13 - Lucas: you're a loser\n",
        [("2026-11-13 18:13", "Lucas", "you're a loser")],
    ),
    "Android, English (US), 12-hour": (
        "11/13/26, 6:13 PM - Lucas: you're a loser\n11/24/26, 12:05 AM - Jake: lol\n",
        [("2026-11-13 18:13", "Lucas", "you're a loser"), ("2026-11-24 00:05", "Jake", "lol")],
    ),
    "Android, English (US), narrow no-break space before PM": (
        f"11/13/26, 6:13{NNBSP}PM - Lucas: you're a loser\n",
        [("2026-11-13 18:13", "Lucas", "you're a loser")],
    ),
    "iPhone, French": (
        "[13/11/2026 18:13:02] Lucas : t’es nul\n",
        [("2026-11-13 18:13:02", "Lucas", "t’es nul")],
    ),
    "iPhone, French, with a comma": (
        "[13/11/2026, 18:13:02] Lucas: t’es nul\n",
        [("2026-11-13 18:13:02", "Lucas", "t’es nul")],
    ),
    "iPhone, French spacing with a no-break space": (
        "[13/11/2026 18:13:02] Lucas\u00a0: t’es nul\n",
        [("2026-11-13 18:13:02", "Lucas", "t’es nul")],
    ),
    "iPhone, English (US)": (
        f"[11/13/26, 6:13:02{NNBSP}PM] Lucas: you're a loser\n",
        [("2026-11-13 18:13:02", "Lucas", "you're a loser")],
    ),
    "German-style dots": (
        "13.11.26, 18:13 - Lucas: du bist\n",
        [("2026-11-13 18:13", "Lucas", "du bist")],
    ),
    "a phone number as author, a colon in the text": (
        "13/11/2026 18:13 - +33 6 12 34 56 78: écoute bien : demain\n",
        [("2026-11-13 18:13", "+33 6 12 34 56 78", "écoute bien : demain")],
    ),
    "a message over several lines": (
        "13/11/2026 18:13 - Lucas: première ligne\n\ntroisième ligne\n"
        "13/11/2026 18:14 - Inès: ok\n",
        [
            ("2026-11-13 18:13", "Lucas", "première ligne\n\ntroisième ligne"),
            ("2026-11-13 18:14", "Inès", "ok"),
        ],
    ),
    "Windows line ends (iPhone)": (
        "[13/11/2026 18:13:02] Lucas: un\r\ndeux\r\n[13/11/2026 18:14:00] Inès: ok\r\n",
        [("2026-11-13 18:13:02", "Lucas", "un\ndeux"), ("2026-11-13 18:14", "Inès", "ok")],
    ),
}


@pytest.mark.parametrize("case", FORMATS)
def test_every_phones_date_format_is_read(case):
    export, expected = FORMATS[case]
    chat = read(export)
    assert chat.format == "whatsapp"
    assert [(m.at, m.author, m.text) for m in chat.messages] == [
        (at(moment), author, text) for moment, author, text in expected
    ]
    assert chat.problems == ()


def test_times_are_the_phones_local_time_in_paris_and_the_chat_says_so():
    chat = read("13/11/2026 18:13 - Lucas: hiver\n14/07/2026 18:13 - Lucas: été\n")
    assert chat.time_zone == "Europe/Paris"
    winter, summer = chat.messages
    assert winter.at.utcoffset() == dt.timedelta(hours=1)
    assert summer.at.utcoffset() == dt.timedelta(hours=2)


# dates in the file → (the order read, the problems said)
ORDERS = {
    "a day above 12 settles it": (["13/11/2026", "24/11/2026"], "day_first", []),
    "a month-first part above 12 settles it": (["11/13/2026", "11/24/2026"], "month_first", []),
    "the messages' order settles it": (["01/12/2026", "02/01/2026"], "month_first", []),
    "the messages' order, the other way": (["12/01/2026", "01/02/2026"], "day_first", []),
    "both readings possible and different": (
        ["01/12/2026", "02/12/2026", "03/12/2026"],
        "day_first",
        ["ambiguous_date_order"],
    ),
    "both readings the same date": (["05/05/2026", "05/05/2026"], "day_first", []),
    "out of order whichever way": (
        ["13/11/2026", "24/11/2026", "14/11/2026"],
        "day_first",
        ["inconsistent_dates"],
    ),
    "year first": (["2026-11-13", "2026-11-24"], "year_first", []),
}


@pytest.mark.parametrize("case", ORDERS)
def test_day_and_month_order_is_decided_from_the_files_own_dates(case):
    dates, order, problems = ORDERS[case]
    chat = read("".join(f"{date} 18:13 - Lucas: message\n" for date in dates))
    assert chat.date_order == order
    assert chat.problem_codes == problems


def test_an_ambiguous_file_reads_day_first_and_says_so():
    chat = read("01/12/2026 18:13 - Lucas: a\n02/12/2026 18:13 - Lucas: b\n")
    assert [m.at.date() for m in chat.messages] == [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    assert chat.problem_codes == ["ambiguous_date_order"]


def test_a_date_that_does_not_exist_is_kept_without_a_date():
    chat = read("13/11/2026 18:13 - Lucas: a\n31/02/2026 18:13 - Lucas: b\n")
    assert [m.at for m in chat.messages] == [at("2026-11-13 18:13"), None]
    assert [m.text for m in chat.messages] == ["a", "b"]
    assert "unreadable_date" in chat.problem_codes


def test_a_message_in_the_hour_repeated_in_autumn_is_flagged():
    chat = read("25/10/2026 02:30 - Lucas: a\n25/10/2026 03:30 - Lucas: b\n")
    assert chat.problem_codes == ["repeated_hour"]
    assert chat.problems[0].detail == "1 messages"


# line → (author, text, attachments, media omitted, deleted, edited)
LINES = {
    "the encryption notice, Android": (
        "13/11/2026 18:00 - Les messages et les appels sont chiffrés de bout en bout. Personne "
        "en dehors de cette discussion ne peut les lire.",
        (None, "Les messages et les appels sont chiffrés de bout en bout. Personne en dehors de "
         "cette discussion ne peut les lire.", (), False, False, False),
    ),
    "the encryption notice, iPhone, under the group's name": (
        f"[13/11/2026 18:00:00] 3e B: {LRM}Messages and calls are end-to-end encrypted.",
        (None, "Messages and calls are end-to-end encrypted.", (), False, False, False),
    ),
    "someone added": (
        "13/11/2026 18:01 - Lucas a ajouté Inès",
        (None, "Lucas a ajouté Inès", (), False, False, False),
    ),
    "a new subject with a colon in it": (
        "13/11/2026 18:02 - Lucas a changé le sujet de « 3e B » en « 3e B : les vrais »",
        (None, "Lucas a changé le sujet de « 3e B » en « 3e B : les vrais »", (), False, False,
         False),
    ),
    "someone left, in English": (
        "13/11/2026 18:02 - Zoé left",
        (None, "Zoé left", (), False, False, False),
    ),
    "media left out, Android, French": (
        "13/11/2026 18:03 - Lucas: <Médias omis>",
        ("Lucas", "<Médias omis>", (), True, False, False),
    ),
    "media left out, Android, English": (
        "13/11/2026 18:03 - Lucas: <Media omitted>",
        ("Lucas", "<Media omitted>", (), True, False, False),
    ),
    "media left out, iPhone": (
        f"[13/11/2026 18:03:00] Lucas: {LRM}image omitted",
        ("Lucas", "image omitted", (), True, False, False),
    ),
    "a deleted message": (
        "13/11/2026 18:04 - Lucas: Ce message a été supprimé",
        ("Lucas", "Ce message a été supprimé", (), False, True, False),
    ),
    "a deleted message, English": (
        "13/11/2026 18:04 - Lucas: This message was deleted",
        ("Lucas", "This message was deleted", (), False, True, False),
    ),
    "an edited message": (
        "13/11/2026 18:05 - Lucas: t’es morte <Ce message a été modifié>",
        ("Lucas", "t’es morte <Ce message a été modifié>", (), False, False, True),
    ),
    "an attachment, Android, French": (
        f"13/11/2026 18:06 - Lucas: {LRM}IMG-20261113-WA0003.jpg (fichier joint)",
        ("Lucas", "IMG-20261113-WA0003.jpg (fichier joint)", ("IMG-20261113-WA0003.jpg",),
         False, False, False),
    ),
    "an attachment with a caption, Android, English": (
        "13/11/2026 18:06 - Lucas: VID-20261113-WA0001.mp4 (file attached)\nregarde ça",
        ("Lucas", "VID-20261113-WA0001.mp4 (file attached)\nregarde ça",
         ("VID-20261113-WA0001.mp4",), False, False, False),
    ),
    "an attachment, iPhone": (
        f"[13/11/2026 18:06:00] Lucas: {LRM}<attached: 00000012-PHOTO-2026-11-13-18-06-00.jpg>",
        ("Lucas", "<attached: 00000012-PHOTO-2026-11-13-18-06-00.jpg>",
         ("00000012-PHOTO-2026-11-13-18-06-00.jpg",), False, False, False),
    ),
    "a message saying it added someone is a message": (
        "13/11/2026 18:07 - Lucas: j’ai ajouté ta photo partout",
        ("Lucas", "j’ai ajouté ta photo partout", (), False, False, False),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", LINES)
def test_what_whatsapp_writes_itself_is_told_apart_from_what_people_wrote(case):
    line, expected = LINES[case]
    (message,) = read(line + "\n").messages
    assert (
        message.author,
        message.text,
        message.attachments,
        message.media_omitted,
        message.deleted,
        message.edited,
    ) == expected
    assert message.is_system == (expected[0] is None)


def test_the_marks_whatsapp_inserts_are_taken_off_and_nothing_else():
    export = f"\ufeff{LRM}13/11/2026 18:13 - Lucas: {LRM}salut {LRM}toi\n"
    (message,) = read(export).messages
    assert message.text == f"salut {LRM}toi"  # inside the text: as typed


def test_participants_are_the_authors_in_order_of_first_message():
    chat = read(
        "13/11/2026 18:00 - Lucas a ajouté Inès\n13/11/2026 18:01 - Inès: a\n"
        "13/11/2026 18:02 - Lucas: b\n13/11/2026 18:03 - Inès: c\n"
    )
    assert chat.participants == ("Inès", "Lucas")


def test_text_before_the_first_message_is_kept_apart_and_said():
    chat = read("une ligne collée avant\n13/11/2026 18:13 - Lucas: a\n")
    assert chat.unattributed == ("une ligne collée avant",)
    assert chat.problem_codes == ["text_before_first_message"]


def test_the_title_comes_from_the_files_name():
    assert read("13/11/2026 18:13 - Lucas: a\n", "WhatsApp Chat with 3e B (2).txt").title == "3e B"
    assert read("13/11/2026 18:13 - Lucas: a\n", "Discussion WhatsApp avec Zoé.txt").title == "Zoé"


# Encodings ----------------------------------------------------------------------------------

EXPORT = "13/11/2026 18:13 - Inès: t’es où ? Ça va être drôle, Zoé\n"


@pytest.mark.parametrize(
    "encoded, problems",
    [
        (EXPORT.encode(), []),
        (codecs.BOM_UTF8 + EXPORT.encode(), []),
        (EXPORT.encode("utf-16"), []),  # with its BOM
        (EXPORT.encode("utf-16-le"), []),
        (EXPORT.encode("utf-16-be"), []),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16", "utf-16-le without BOM", "utf-16-be without BOM"],
)
def test_utf8_and_utf16_exports_are_read_alike(encoded, problems):
    chat = read_chat("chat.txt", encoded)
    assert [(m.author, m.text) for m in chat.messages] == [
        ("Inès", "t’es où ? Ça va être drôle, Zoé")
    ]
    assert chat.problem_codes == problems


def test_a_latin1_export_is_read_as_latin1_and_said():
    latin = "13/11/2026 18:13 - Inès: Ça va être drôle, Zoé\n".encode("latin-1")
    chat = read_chat("chat.txt", latin)
    assert chat.messages[0].text == "Ça va être drôle, Zoé"
    assert chat.problem_codes == ["not_utf8"]


def test_mixed_encodings_are_read_line_by_line():
    mixed = "13/11/2026 18:13 - Inès: déjà\n".encode() + "13/11/2026 18:14 - Zoé: été\n".encode(
        "latin-1"
    )
    chat = read_chat("chat.txt", mixed)
    assert [m.text for m in chat.messages] == ["déjà", "été"]
    assert chat.problems[0].code == "not_utf8" and chat.problems[0].detail == "1 lines"


# What is not a WhatsApp export ----------------------------------------------------------------

NOT_WHATSAPP = {
    "empty": b"",
    "plain text": "Bonjour,\nvoici ce qu’il m’a dit hier.\n".encode(),
    "a PNG": b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
    "JSON": b'{"messages": []}',
    "a date but not a message": b"Le 13/11/2026 il m'a dit\n",
}


@pytest.mark.parametrize("case", NOT_WHATSAPP)
def test_an_unknown_format_is_said_not_guessed(case):
    assert detect("chat.txt", NOT_WHATSAPP[case]) is None
    chat = read_chat("chat.txt", NOT_WHATSAPP[case])
    assert chat.messages == () and chat.problem_codes == ["unknown_format"]


def test_the_importer_parsing_what_it_did_not_detect_says_unknown_format_and_keeps_the_text():
    chat = WhatsAppImporter().parse("chat.txt", "rien à voir\n".encode())
    assert chat.problem_codes == ["unknown_format"]
    assert chat.unattributed == ("rien à voir",)


# Counts per day -----------------------------------------------------------------------------


def test_messages_and_authors_are_counted_per_day_without_whatsapps_own_lines():
    chat = read(
        "13/11/2026 18:00 - Lucas a ajouté Inès\n"
        "13/11/2026 18:01 - Lucas: a\n13/11/2026 18:02 - Inès: b\n13/11/2026 23:59 - Lucas: c\n"
        "14/11/2026 00:00 - Théo: d\n31/02/2026 10:00 - Théo: sans date\n"
    )
    assert [(d.day, d.messages, d.authors) for d in messages_per_day(chat)] == [
        (dt.date(2026, 11, 13), 3, 2),
        (dt.date(2026, 11, 14), 1, 1),
    ]


# Problems are said in French and English ------------------------------------------------------


@pytest.mark.parametrize("code", PROBLEMS)
def test_each_problem_is_said_in_french_and_in_english(code):
    with translation.override("fr"):
        french = str(PROBLEMS[code])
    with translation.override("en"):
        english = str(PROBLEMS[code])
    assert french != english


# Size and speed -----------------------------------------------------------------------------


def long_export(messages: int) -> bytes:
    """A class group's year: four authors, some messages over two lines, iPhone format."""
    authors = ("Lucas", "Inès", "Théo", "Zoé")
    start = dt.datetime(2026, 1, 1, 8, 0)
    lines = []
    for number in range(messages):
        moment = start + dt.timedelta(minutes=5 * number)
        text = f"message {number} : t’es vraiment nul, tout le monde le sait"
        if number % 7 == 0:
            text += "\net je le redirai demain à la récré"
        lines.append(f"[{moment:%d/%m/%Y %H:%M:%S}] {authors[number % 4]}: {text}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("messages, limit", [(10_000, 10.0), (100_000, 5.0)])
def test_a_long_export_parses_in_seconds(messages, limit):
    """Measured in processor time: the machine is shared with other test runs, whose load
    stretches the wall-clock time (printed too) without saying anything about this code."""
    data = long_export(messages)
    started, processor = time.perf_counter(), time.process_time()
    chat = read_chat("_chat.txt", data)
    seconds, processor = time.perf_counter() - started, time.process_time() - processor
    lines = data.count(b"\n")
    print(
        f"\n{messages} messages ({lines} lines, {len(data) / 1e6:.1f} MB):"
        f" {processor:.2f} s of processor, {seconds:.2f} s on the clock"
    )
    assert len(chat.messages) == messages
    last = at("2026-01-01 08:00") + dt.timedelta(minutes=5 * (messages - 1))
    assert chat.messages[-1].at == last
    assert processor < limit


def test_a_huge_message_full_of_brackets_parses_in_linear_time():
    hostile = "(" * 1_000_000 + "<" * 1_000_000 + "a.jpg (fichier joint)"
    export = f"13/11/2026 18:13 - Lucas: \u200e{hostile}\n{hostile}\n".encode()
    processor = time.process_time()
    (message,) = read_chat("chat.txt", export).messages
    assert time.process_time() - processor < 2
    assert len(message.text) == 2 * len(hostile) + 1 and message.attachments == ()
