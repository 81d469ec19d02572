"""Text read from screenshots, measured on phone screenshots drawn at test time with known text,
and what that text suggests: authors, platform, dates, each with the line it came from."""

from __future__ import annotations

import statistics
import threading
import unicodedata
from functools import cache
from io import BytesIO

import pytest
from PIL import Image

from evidence.intake import ocr
from evidence.intake.images import ImageRejected
from evidence.intake.ocr import OcrUnavailable, Transcript, prepare, suggest, transcribe
from tests.evidence.intake import corpus
from tests.evidence.intake.screens import SCREENS, Screen

REQUIRED_ACCURACY = 0.95


def normalised(text: str) -> str:
    """What the measure compares: the same Unicode form, one kind of apostrophe (phones draw
    ’, Tesseract often returns '), single spaces, no blank lines. Case and accents count."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u2018", "'")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def errors(screen: Screen) -> tuple[int, int]:
    """(edits, reference length) of the screen's transcript against what it shows."""
    reference = normalised(screen.reference)
    return edit_distance(reference, normalised(read(screen).text)), len(reference)


@cache
def read(screen: Screen) -> Transcript:
    return transcribe(screen.png)


def test_clean_phone_screenshots_are_read_at_95_percent_of_their_characters():
    edits_total = length_total = 0
    print(f"\n{'screenshot':42} {'size':>9} {'accuracy':>8} {'conf.':>5} {'seconds':>7}")
    for screen in SCREENS:
        edits, length = errors(screen)
        edits_total, length_total = edits_total + edits, length_total + length
        transcript = read(screen)
        size = "×".join(map(str, screen.size))
        print(
            f"{screen.name:42} {size:>9} {1 - edits / length:8.3f}"
            f" {transcript.confidence:5.1f} {transcript.seconds:7.2f}"
        )
    overall = 1 - edits_total / length_total
    seconds = statistics.mean(read(screen).seconds for screen in SCREENS)
    print(f"{'overall':52} {overall:8.3f} {'':5} {seconds:7.2f} per screenshot")
    assert len(SCREENS) >= 10
    assert overall >= REQUIRED_ACCURACY


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_no_screenshot_reads_far_below_the_rest(screen):
    edits, length = errors(screen)
    assert 1 - edits / length >= 0.9


def test_white_text_on_a_coloured_bubble_is_read_in_a_dark_screen():
    """Instagram's dark theme: white on purple beside white on grey, on black."""
    screen = next(screen for screen in SCREENS if screen.name.startswith("instagram private, dark"))
    assert "Pourquoi tu me parles comme ça ?" in read(screen).text


def test_coloured_names_on_a_dark_background_are_read():
    screen = next(screen for screen in SCREENS if screen.name.startswith("discord"))
    assert read(screen).text.count("Sarah") >= 3


def test_a_screenshot_is_read_in_well_under_a_few_seconds():
    """On this machine's 2 cores, shared with other test runs: measured 0.5 s to 1.5 s each."""
    assert statistics.mean(read(screen).seconds for screen in SCREENS) < 5


def shrunk(screen: Screen, factor: int) -> bytes:
    image = Image.open(BytesIO(screen.png))
    small = image.resize((image.width // factor, image.height // factor), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    small.save(buffer, "PNG")
    return buffer.getvalue()


def test_text_smaller_than_phones_draw_it_is_enlarged_before_reading():
    screen = SCREENS[0]
    image = Image.open(BytesIO(shrunk(screen, 3)))
    assert image.width == 360
    assert prepare(image).width == 1080
    assert prepare(Image.open(BytesIO(screen.png))).size == screen.size  # a phone's: as it is
    reference = normalised(screen.reference)
    text = normalised(transcribe(shrunk(screen, 3)).text)
    assert 1 - edit_distance(reference, text) / len(reference) >= 0.9


def test_missing_models_are_said_by_name(monkeypatch, tmp_path):
    monkeypatch.setattr(ocr, "TESSDATA", str(tmp_path))
    raised: list[BaseException] = []

    def in_a_new_thread() -> None:  # engines are kept per thread: a new one loads the models
        try:
            transcribe(corpus.small_png())
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=in_a_new_thread)
    thread.start()
    thread.join()
    assert len(raised) == 1 and isinstance(raised[0], OcrUnavailable)
    assert "tesseract-ocr-fra" in str(raised[0])


def test_a_blank_screen_has_no_text_and_no_confidence():
    transcript = transcribe(corpus.blank_png(1080, 2400))
    assert (transcript.text, transcript.confidence) == ("", None)


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "not_allowed"),
        (corpus.svg(), "not_allowed"),
        (corpus.pdf(), "not_allowed"),
        (corpus.truncated_png(), "damaged"),
        (corpus.decompression_bomb(), "too_many_pixels"),
    ],
    ids=["empty", "svg", "pdf", "truncated", "bomb"],
)
def test_what_is_not_an_image_we_accept_is_refused_as_uploads_are(data, code):
    with pytest.raises(ImageRejected) as refusal:
        transcribe(data)
    assert refusal.value.code == code


# Suggestions, from the screenshots read above -------------------------------------------------


def test_a_screenshot_suggests_its_authors_platform_and_dates_with_their_lines():
    screen = next(screen for screen in SCREENS if screen.name == "whatsapp, light, iphone, dates")
    transcript = read(screen)
    found = suggest(
        Transcript(
            transcript.text, transcript.confidence, 0, "Screenshot_20261124-181302_WhatsApp.jpg"
        )
    )
    authors = {(author.name, author.reason) for author in found.authors}
    assert {("@noah.officiel", "handle"), ("Sarah", "sender")} <= authors
    assert {(platform.platform, platform.reason) for platform in found.platforms} == {
        ("tiktok", "on_screen"),
        ("whatsapp", "file_name"),
    }
    moments = {(moment.text, moment.reading, moment.date, moment.time) for moment in found.moments}
    assert ("hier 18:13", "relative", None, "18:13") in moments
    assert ("24/11/2026", "absolute", "2026-11-24", None) in moments
    assert ("aujourd'hui à 18:30", "relative", None, "18:30") in moments
    for suggestion in (*found.authors, *found.platforms, *found.moments):
        assert suggestion.source in transcript.text or suggestion.source.endswith(".jpg")


def test_a_group_header_suggests_its_members_and_not_the_phones_owner():
    screen = next(screen for screen in SCREENS if screen.name == "whatsapp group, light, android")
    members = [a.name for a in suggest(read(screen)).authors if a.reason == "group_member"]
    assert members == ["Lucas", "Inès", "Théo"]


# Suggestions, table-driven on typed transcripts ------------------------------------------------


def suggestions(text: str, file_name: str = ""):
    return suggest(Transcript(text, 90.0, 0.0, file_name))


# line → the authors it suggests (name, reason)
AUTHOR_LINES = {
    "Le compte @noah.officiel l’a partagée": [("@noah.officiel", "handle")],
    "@lea_93 et @Tom.B ont aimé": [("@lea_93", "handle"), ("@Tom.B", "handle")],
    "écris à lou@example.fr": [],  # an email address is not a handle
    "Lucas : t’es mort demain": [("Lucas", "sender")],
    "Lucas: t’es mort demain": [("Lucas", "sender")],
    "Marie-Lou D.: on rigole": [("Marie-Lou D.", "sender")],
    "Règle n° 1 : ne jamais répondre": [],
    "18:13 : il a posté": [],
    "Vous : laisse-moi": [],  # the phone's owner
    "je sais pas": [],
}


@pytest.mark.parametrize("line", AUTHOR_LINES)
def test_a_line_suggests_the_authors_it_names(line):
    text = "18:13\n3e B ✌\n" + line  # a title that is no one's name
    found = [(author.name, author.reason) for author in suggestions(text).authors]
    assert found == AUTHOR_LINES[line]


def test_a_name_alone_above_several_bubbles_is_a_sender():
    text = "18:13\n# général\nLucas\nt’es nul\n18:02\nLucas\nvraiment\n18:03\nInès\nmdr\n18:04"
    found = [(author.name, author.reason) for author in suggestions(text).authors]
    assert found == [("Lucas", "sender")]  # Inès once: maybe a word, not said


def test_a_private_conversation_suggests_its_title():
    found = suggestions("9:41\nkevin_du_93\nActif il y a 5 min\nT’es vraiment nulle").authors
    assert [(author.name, author.reason, author.source) for author in found] == [
        ("kevin_du_93", "conversation_title", "kevin_du_93")
    ]


# text → the platforms it suggests (platform, reason)
PLATFORM_TEXTS = {
    "Regarde ce que Noah a posté sur TikTok": [("tiktok", "on_screen")],
    "WhatsApp Web": [("whatsapp", "on_screen")],
    "Les messages et les appels sont chiffrés de bout en bout.": [("whatsapp", "on_screen")],
    "Messages and calls are end-to-end encrypted.": [("whatsapp", "on_screen")],
    "Envoyer un message dans #général": [("discord", "on_screen")],
    "iMessage": [("sms", "on_screen")],
    "il a repris sa story instagram": [("instagram", "on_screen")],
    "snapchatter": [],  # a word, not the app
    "rien à voir": [],
}


@pytest.mark.parametrize("text", PLATFORM_TEXTS)
def test_the_apps_own_words_suggest_the_platform(text):
    found = [(found.platform, found.reason) for found in suggestions(text).platforms]
    assert found == PLATFORM_TEXTS[text]


def test_the_file_names_app_suggests_the_platform_too():
    found = suggestions("rien", "Screenshot_20261124-181302_Snapchat.jpg").platforms
    assert [(found.platform, found.reason, found.source) for found in found] == [
        ("snapchat", "file_name", "Screenshot_20261124-181302_Snapchat.jpg")
    ]


# text → (text seen, reading, date, time) of each moment; relative ones never have a date
MOMENT_TEXTS = {
    "hier 18:13": [("hier 18:13", "relative", None, "18:13")],
    "Hier à 18h13": [("Hier à 18h13", "relative", None, "18:13")],
    "Yesterday 9:14 PM": [("Yesterday 9:14 PM", "relative", None, "21:14")],
    "Actif il y a 3 j": [("il y a 3 j", "relative", None, None)],
    "posted 3 d ago": [("3 d ago", "relative", None, None)],
    "AUJOURD’HUI": [("AUJOURD’HUI", "relative", None, None)],
    "Lundi": [("Lundi", "relative", None, None)],
    "le 24/11/2026 à 18:13": [("24/11/2026 à 18:13", "absolute", "2026-11-24", "18:13")],
    "24/11/26": [("24/11/26", "absolute", "2026-11-24", None)],
    "2026-11-24": [("2026-11-24", "absolute", "2026-11-24", None)],
    "24 nov. 2026, 22:41": [("24 nov. 2026, 22:41", "absolute", "2026-11-24", "22:41")],
    "24 novembre 2026": [("24 novembre 2026", "absolute", "2026-11-24", None)],
    "Mardi 24 novembre": [("Mardi 24 novembre", "no_year", None, None)],
    "18:13": [("18:13", "time_only", None, "18:13")],
    "9:14 PM": [("9:14 PM", "time_only", None, "21:14")],
    "31/02/2026": [],  # no such day: nothing, not a neighbouring date
    "25:99": [],
    "13:00 PM": [],
    "kevin_du_93": [],
    "mars 2026": [],
}


@pytest.mark.parametrize("text", MOMENT_TEXTS)
def test_dates_and_times_on_screen_are_suggested_relative_ones_as_relative(text):
    found = [
        (moment.text, moment.reading, moment.date, moment.time)
        for moment in suggestions(text).moments
    ]
    assert found == MOMENT_TEXTS[text]
    for moment in suggestions(text).moments:
        assert moment.source == text
        assert moment.date is None or moment.reading == "absolute"
