"""The PDF as a reader sees it, checked with the positions of its words (pdftotext
-bbox-layout) on a real export of a hard dossier: long article names, long pseudonyms, dates
read as relative, a deleted piece, a piece of three screenshots, and a piece added after the
person wrote their own words for the letter. No two words overlap on any page, every page that
shows a piece's image names the piece, and the letter counts the pieces the bordereau lists."""

from __future__ import annotations

import re
import subprocess
import uuid
from dataclasses import dataclass
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from evidence.complaint import services as complaint
from evidence.export import jobs as exports
from evidence.models import Concerns, ExportStatus, Role
from evidence.sealing import sealed_files
from evidence.vault import services as vault
from tests.evidence.factories import add_image_piece, make_dossier, make_note
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db

XHTML = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4  # points in a millimetre
LONG_PSEUDONYM = "@le_vrai_compte_de_kevin_lefebvre_officiel_2011_pas_un_fake_promis_jure"
FACTS = {
    "role": "guardian",
    "victim_age": "15_17",
    "acts": ["insults", "humiliating_media", "intimate_images", "death_threats", "impersonation"],
    "visibility": "both",
    "platforms": ["instagram", "snapchat"],
    "author_relation": "classmate",
    "author": "known",
}


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Word, tolerance: float = 0.5) -> bool:
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > tolerance
            and min(self.y1, other.y1) - max(self.y0, other.y0) > tolerance
        )


def words_by_page(pdf_path) -> list[list[Word]]:
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    return [
        [
            Word(
                word.text or "", *(float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax"))
            )
            for word in page.iter(f"{XHTML}word")
        ]
        for page in root.iter(f"{XHTML}page")
    ]


def overlapping(words: list[Word]) -> list[tuple[str, str]]:
    """Pairs of words drawn over each other (a sweep down the page)."""
    ordered = sorted(words, key=lambda word: word.y0)
    found = []
    for index, word in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other.y0 >= word.y1:
                break
            if word.overlaps(other):
                found.append((word.text, other.text))
    return found


def image_pages(pdf_path) -> list[int]:
    """The page of each image, in the order drawn (pdfimages -list)."""
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf_path)], capture_output=True, text=True, check=True
    ).stdout
    return [int(line.split()[0]) for line in listing.splitlines()[2:] if line.strip()]


def page_text(words: list[Word], *, above: float | None = None) -> str:
    """The page's words as one line (those above `above` points from the top, if given)."""
    kept = [word for word in words if above is None or word.y1 <= above]
    return re.sub(r"[\s\u00a0\u202f]+", " ", " ".join(word.text for word in kept))


def bordereau_rows(pages: list[list[Word]]) -> list[tuple[int, str]]:
    """(number, first word of the piece's cell) of each row of the bordereau's table: the
    numbers read under its "N°" heading."""
    words = next(w for w in pages if "5. Bordereau de pièces" in page_text(w, above=200))
    heading = next(word for word in words if word.text == "N°")
    rows = []
    for word in words:
        if word.text.isdigit() and abs(word.x0 - heading.x0) < 3 and word.y0 > heading.y1:
            line = sorted(
                (w for w in words if abs(w.y0 - word.y0) < 1 and w.x0 > word.x1),
                key=lambda w: w.x0,
            )
            rows.append((int(word.text), line[0].text))
    return rows


@pytest.fixture(scope="module")
def exported(django_db_setup, django_db_blocker, tmp_path_factory):
    """The PDF of one real export, made once for the module, in its own private storage; its
    rows are erased before the tests read the file."""
    folder = tmp_path_factory.mktemp("layout")
    isolated = override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": folder / "private", "base_url": None},
            },
        },
    )
    with isolated, django_db_blocker.unblock():
        owner = get_user_model().objects.create_user(f"layout_{uuid.uuid4().hex[:8]}")
        try:
            return _export_a_hard_dossier(owner, folder)
        finally:
            for dossier in owner.dossiers.all():
                vault.erase_dossier(dossier)
            owner.delete()


def _export_a_hard_dossier(owner, folder):
    dossier = make_dossier(
        owner,
        title="Snapchat",
        concerns=Concerns.CHILD,
        person_name="Léa",
        person_age_band="15_17",
        role=Role.PARENT,
        facts=FACTS,
    )
    phone = corpus.phone_screenshot()

    def add(**fields):
        values = {"platform": "instagram", "author_displayed": LONG_PSEUDONYM, **fields}
        return add_image_piece(dossier, data=phone, added_by_role=Role.PARENT, **values)

    # Typed as people type on a phone: no space before the colon, none inside the quotes.
    add(
        title="Insulte sous la photo de classe",
        published_raw="01/10/2026 21:30",
        description="Il écrit sous la photo: «personne ne t'aime»!",
    )
    add(title="Menace de mort en message privé", platform="snapchat", published_raw="hier")
    deleted = add(title="Photo prise dans les vestiaires", published_raw="il y a 3 j")
    add(title="Faux compte à son nom", published_raw="15 octobre 2026 à 18h05")
    vault.delete_piece(deleted, owner)
    make_note(dossier, text="Première rumeur au lycée.", date=timezone.localdate().replace(day=1))
    complaint.save_section(
        dossier,
        {
            "victim": {"name": "Léa Martin", "birth_date": "2011-03-03", "civility": "madame"},
            "representatives": [
                {"name": "Anne Martin", "relationship": "mère", "address": "3 rue des Lilas"}
            ],
            "suspects": [
                {"name": "Kévin L.", "pseudonyms": [LONG_PSEUDONYM, "kev, le boss"], "details": ""}
            ],
            "tribunal_city": "Villefranche-sur-Saône",
            "place": "Lyon",
            "taken_in_private": "yes",
            "real_images": "yes",
            "pupil_at_same_school": "yes",
            # The person's own words: written before the last piece was added.
            "letter_additions": "Je reste à votre disposition pour tout renseignement.",
        },
        version=0,
    )
    conversation = add(title="La conversation entière, en trois captures", published_raw="")
    vault.add_files(
        conversation,
        owner,
        [
            vault.Upload("b.png", corpus.phone_screenshot("suite")),
            vault.Upload("c.png", corpus.phone_screenshot("fin")),
        ],
        "no",
    )
    export, _created = exports.request_export(dossier, owner, uuid.uuid4())
    done = exports.run_export(export.pk)
    assert done.status == ExportStatus.DONE, done.error
    path = folder / "dossier.pdf"
    path.write_bytes(b"".join(sealed_files.read_stream(done.pdf_name)))
    return path


def test_no_two_words_overlap_on_any_page(exported):
    pages = words_by_page(exported)
    assert len(pages) > 10
    found = {number: overlapping(words) for number, words in enumerate(pages, start=1)}
    assert {number: pairs for number, pairs in found.items() if pairs} == {}


def test_the_law_table_names_the_long_articles_it_cites(exported):
    text = " ".join(page_text(words) for words in words_by_page(exported))
    law = text[text.rindex("3. Ce que dit la loi") : text.rindex("4. Le préjudice")]
    assert "Art. 226-1 et 226-2 du Code pénal" in law
    assert "Loi du 29 juillet 1881, art. 29, 32 et 33" in law
    assert "Art. R621-1 et R621-2 du Code pénal" in law


def test_every_page_showing_an_image_names_its_piece(exported):
    # Pieces 1, 2, 4 have one screenshot each, piece 5 three: its last two on pages of their own.
    expected = [1, 2, 4, 5, 5, 5]
    pages = words_by_page(exported)
    shown = image_pages(exported)
    assert len(shown) == len(expected)
    assert len(set(shown)) == len(shown)  # one image a page: continuation pages exist
    for page, number in zip(shown, expected, strict=True):
        words = pages[page - 1]
        assert f"Pièce n° {number}" in page_text(words, above=22 * MM), page  # running header
        assert f"Pièce n° {number}, fichier" in page_text(words), page  # the image's caption


def test_the_letter_counts_the_pieces_the_bordereau_lists(exported):
    pages = words_by_page(exported)
    text = " ".join(page_text(words) for words in pages)
    letter = text[text.rindex("1. Lettre au procureur") : text.rindex("2. Exposé des faits")]
    count = int(re.search(r"Je joins à la présente plainte (\d+) pièces", letter).group(1))
    listed = [int(number) for number in re.findall(r"– pièce n° (\d+) :", letter)]
    rows = bordereau_rows(pages)
    joined = [number for number, first in rows if first != "Pièce"]  # "Pièce retirée…"
    assert count == len(listed) == len(joined) == 4
    assert listed == joined == [1, 2, 4, 5]


def test_a_gap_in_the_numbering_is_explained_in_the_letter_and_the_bordereau(exported):
    pages = words_by_page(exported)
    text = " ".join(page_text(words) for words in pages)
    assert [number for number, _first in bordereau_rows(pages)] == [1, 2, 3, 4, 5]
    assert "3 Pièce retirée du dossier par son titulaire le" in text
    assert "La pièce n° 3 a été retirée du dossier le" in text


def test_a_relative_date_is_in_the_chronology_marked_approximate(exported):
    text = " ".join(page_text(words) for words in words_by_page(exported))
    facts = text[text.rindex("2. Exposé des faits") : text.rindex("3. Ce que dit la loi")]
    assert "au plus tard le" in facts and "(date approximative)" in facts
    assert "Date lue à l’écran : « hier » ; repère : date de réception par le serveur." in facts


def test_high_punctuation_follows_a_narrow_no_break_space_everywhere(exported):
    """French typography across the whole PDF, the person's text included: before ; : ! ? and
    » the gap is a narrow space (about half a word space), and never a line break."""
    for number, words in enumerate(words_by_page(exported), start=1):
        glued = [w.text for w in words if re.search(r"\w[;:!?»]+$|^«\w", w.text)]
        assert glued == [], number
        for mark in (word for word in words if word.text in {";", ":", "!", "?", "»"}):
            before = [w for w in words if abs(w.y0 - mark.y0) < 1 and w.x1 <= mark.x0 + 0.1]
            assert before, (number, mark)  # never first on its line
            gap = mark.x0 - max(before, key=lambda w: w.x1).x1
            size = mark.y1 - mark.y0
            assert gap < 0.22 * size, (number, mark.text, round(gap, 2), round(size, 2))


def test_a_long_pseudonym_starts_on_the_line_of_its_label(exported):
    # A value too long for one line was pushed below the float of its label, leaving the
    # label alone on its line: a reader could not tell which field it belonged to.
    for words in words_by_page(exported):
        labels = [w for w in words if w.text == "Auteur" and w.x0 < 30 * MM]
        for label in labels:
            beside = [w for w in words if abs(w.y0 - label.y0) < 2 and w.x0 > 45 * MM]
            assert beside and beside[0].text.startswith("@le_vrai"), label
