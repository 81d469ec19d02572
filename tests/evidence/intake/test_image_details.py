"""What ingestion reads from a photo beyond its pixels, and decoding that stays strict."""

import pytest
from PIL import ImageFile

from evidence.intake.images import ImageRejected, ingest_image
from tests.evidence.intake import corpus


def ingest(data: bytes):
    return ingest_image(data, max_bytes=20 * 1024 * 1024, max_pixels=40_000_000)


def test_it_refuses_a_truncated_jpeg_even_when_the_process_loads_truncated_images(monkeypatch):
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when imported."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ImageRejected) as refusal:
        ingest(corpus.truncated_jpeg())
    assert refusal.value.code == "damaged"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back for the rest of the process


def test_it_reads_when_a_photo_was_taken_from_its_exif():
    assert ingest(corpus.sideways_jpeg_with_gps()).taken_at == "2025-03-14T22:47:00"


def test_a_screenshot_without_exif_has_no_capture_time():
    assert ingest(corpus.small_png()).taken_at is None
