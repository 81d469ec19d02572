"""Reading the publication date a person copies off the screen: absolute dates are read,
relative ones ("il y a 3 j", "3 d ago", "hier") are kept as typed and flagged, never guessed."""

import datetime as dt

import pytest

from evidence.vault.dates import read_published

ABSOLUTE = {
    "14/03/2025 22:47": (dt.date(2025, 3, 14), dt.time(22, 47)),
    "14/03/2025": (dt.date(2025, 3, 14), None),
    "14.03.25 à 22h47": (dt.date(2025, 3, 14), dt.time(22, 47)),
    "2025-03-14T22:47": (dt.date(2025, 3, 14), dt.time(22, 47)),
    "14 mars 2025 à 22h47": (dt.date(2025, 3, 14), dt.time(22, 47)),
    "Le 1er février 2025": (dt.date(2025, 2, 1), None),
    "March 14, 2025 at 10:47 pm": (dt.date(2025, 3, 14), dt.time(22, 47)),
    "14 Mar 2025, 22:47": (dt.date(2025, 3, 14), dt.time(22, 47)),
}
RELATIVE = ["il y a 3 j", "3 d ago", "hier", "Hier à 22:47", "3j", "2 h", "mardi", "yesterday"]
UNREADABLE = ["vers minuit", "31/02/2025", "14 mars", "14/03/2025 25:00"]


@pytest.mark.parametrize("typed", ABSOLUTE)
def test_an_absolute_date_is_read(typed):
    reading = read_published(typed)
    assert reading.is_absolute
    assert (reading.date, reading.time) == ABSOLUTE[typed]
    assert reading.raw == typed


@pytest.mark.parametrize("typed", RELATIVE)
def test_a_relative_date_is_flagged_and_kept_as_typed(typed):
    reading = read_published(typed)
    assert (reading.reading, reading.date, reading.raw) == ("relative", None, typed)
    assert not reading.is_absolute


@pytest.mark.parametrize("typed", UNREADABLE)
def test_what_is_not_a_whole_date_is_not_absolute(typed):
    reading = read_published(typed)
    assert reading.reading == "unreadable" and reading.date is None


def test_nothing_typed_is_empty():
    assert read_published("  ").reading == "empty"


@pytest.mark.django_db
def test_the_piece_page_gives_its_receipt_time_in_paris_time(owner_client, dossier):
    from django.urls import reverse

    from evidence.models import Piece
    from tests.evidence.factories import add_image_piece

    piece = add_image_piece(dossier)
    received = dt.datetime(2026, 7, 14, 20, 5, tzinfo=dt.UTC)  # 22 h 05 in Paris (summer)
    Piece.objects.filter(pk=piece.pk).update(received_at=received)
    page = owner_client.get(reverse("evidence:piece_detail", args=[piece.pk])).text
    assert "reçue le 14/07/2026 22:05, heure de Paris" in page
