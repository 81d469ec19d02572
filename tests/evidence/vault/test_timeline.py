"""The timeline: pieces by publication day, distinct authors per day, pile-ons and repeated
authors, drawn as an SVG without style attributes, with a table as its text alternative."""

import re

import pytest
from django.urls import reverse

from evidence.vault import timeline
from tests.evidence.factories import add_image_piece

pytestmark = pytest.mark.django_db


@pytest.fixture
def harassed(dossier):
    add_image_piece(dossier, published_raw="10/03/2025 08:00", author_displayed="@tom_75")
    add_image_piece(dossier, published_raw="12/03/2025 21:00", author_displayed="@tom_75")
    add_image_piece(dossier, published_raw="12/03/2025 21:05", author_displayed="@Kevin")
    add_image_piece(dossier, published_raw="12/03/2025 21:09", author_displayed="kevin")
    add_image_piece(dossier, published_raw="12/03/2025 21:10", author_displayed="@sam")
    add_image_piece(dossier, published_raw="il y a 3 j", author_displayed="@tom_75")
    return dossier


def test_it_counts_pieces_and_distinct_authors_per_day(harassed):
    found = timeline.build(harassed.pieces.all())
    assert [(str(d.date), d.count, len(d.authors)) for d in found.days] == [
        ("2025-03-10", 1, 1),
        ("2025-03-12", 4, 3),
    ]


def test_several_authors_the_same_day_is_a_pile_on(harassed):
    found = timeline.build(harassed.pieces.all())
    assert [str(day.date) for day in found.pile_on_days] == ["2025-03-12"]


def test_an_author_on_several_days_is_repetition(harassed):
    found = timeline.build(harassed.pieces.all())
    assert [(a.name, a.days, a.pieces) for a in found.repeated_authors] == [("@tom_75", 2, 2)]


def test_pieces_without_an_exact_date_are_listed_apart(harassed):
    assert [piece.number for piece in timeline.build(harassed.pieces.all()).undated] == [6]


def test_the_chart_is_svg_without_style_attributes(harassed):
    svg = str(timeline.svg(timeline.build(harassed.pieces.all())))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "style=" not in svg
    assert len(re.findall(r"<rect ", svg)) == 2
    assert "timeline-bar--pile-on" in svg


def test_a_long_period_is_drawn_by_week(dossier):
    add_image_piece(dossier, published_raw="01/01/2025")
    add_image_piece(dossier, published_raw="30/06/2025")
    svg = str(timeline.svg(timeline.build(dossier.pieces.all())))
    assert "semaine du" in svg or "week of" in svg


def test_the_page_has_the_chart_and_its_table(owner_client, harassed):
    page = owner_client.get(reverse("evidence:timeline", args=[harassed.pk])).text
    assert "<svg" in page and "<table" in page
    assert "raid numérique" in page
    assert "@tom_75 : 2 pièces sur 2 jours" in page
    assert "Pièces sans date exacte" in page


def test_an_empty_dossier_has_a_timeline_page_too(owner_client, dossier):
    page = owner_client.get(reverse("evidence:timeline", args=[dossier.pk])).text
    assert "Aucune pièce n’a encore de date de publication exacte" in page
