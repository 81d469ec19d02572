import hashlib
import random
import warnings
from io import BytesIO

import pytest
from PIL import Image

from evidence.intake.images import (
    ImageRejected,
    IngestedImage,
    UploadRejected,
    ingest_image,
    sniff_pdf,
)
from tests.evidence.intake import corpus

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000


def ingest(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS):
    return ingest_image(data, max_bytes=max_bytes, max_pixels=max_pixels)


def refusal_code(data: bytes, **limits) -> str:
    with pytest.raises(ImageRejected) as refusal:
        ingest(data, **limits)
    return refusal.value.code


def opened(data: bytes) -> Image.Image:
    return Image.open(BytesIO(data))


def assert_close(colour, expected, tolerance: int = 12) -> None:
    assert all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True)), colour


# What a person uploads and gets back


def test_it_accepts_a_phone_screenshot():
    image = ingest(corpus.phone_screenshot())
    assert (image.format, image.mime_type) == ("PNG", "image/png")
    assert (image.width, image.height) == corpus.PHONE_SCREEN


def test_it_hashes_the_original_bytes():
    data = corpus.phone_screenshot()
    assert ingest(data).sha256 == hashlib.sha256(data).hexdigest()


def test_it_records_the_original_byte_size():
    data = corpus.phone_screenshot()
    assert ingest(data).size == len(data)


def test_the_display_copy_is_at_most_1600_px_high_and_keeps_proportions():
    image = ingest(corpus.phone_screenshot())
    assert (image.display_width, image.display_height) == (739, 1600)
    assert opened(image.display).size == (739, 1600)


def test_the_display_copy_is_a_jpeg():
    image = ingest(corpus.phone_screenshot())
    assert image.display_mime == "image/jpeg"
    assert opened(image.display).format == "JPEG"


def test_the_thumbnail_is_320_px_on_its_long_side():
    image = ingest(corpus.phone_screenshot())
    assert (image.thumbnail_width, image.thumbnail_height) == (148, 320)
    assert opened(image.thumbnail).size == (148, 320)


def test_it_never_enlarges_a_small_image():
    image = ingest(corpus.small_png())
    assert (image.display_width, image.display_height) == (120, 80)
    assert (image.thumbnail_width, image.thumbnail_height) == (120, 80)


def test_it_reads_an_iphone_heic():
    image = ingest(corpus.heic())
    assert (image.format, image.mime_type) == ("HEIF", "image/heif")
    assert_close(opened(image.display).getpixel((10, 64)), corpus.RED)


# Refusals


def test_it_refuses_an_empty_file():
    assert refusal_code(corpus.zero_bytes()) == "empty"


def test_it_refuses_a_file_over_the_size_limit():
    assert refusal_code(corpus.oversized(1024 * 1024), max_bytes=1024 * 1024) == "too_large"


def test_it_refuses_an_svg():
    assert refusal_code(corpus.svg()) == "not_allowed"


@pytest.mark.parametrize("executable", [corpus.elf_executable, corpus.pe_executable])
def test_it_refuses_an_executable_renamed_as_a_png(executable):
    assert refusal_code(executable()) == "not_allowed"


def test_it_refuses_a_gif_since_it_is_not_an_accepted_format():
    assert refusal_code(corpus.animated_gif()) == "not_allowed"


def test_it_refuses_an_animated_webp():
    assert refusal_code(corpus.animated_webp()) == "animated"


def test_it_refuses_an_animated_png():
    assert refusal_code(corpus.animated_png()) == "animated"


def test_it_refuses_a_decompression_bomb():
    assert refusal_code(corpus.decompression_bomb()) == "too_many_pixels"


def test_it_refuses_an_image_over_pillows_warning_limit_when_warnings_are_errors():
    just_over_warning = corpus.png_declaring(10_000, 10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        code = refusal_code(just_over_warning, max_pixels=200_000_000)
    assert code == "too_many_pixels"


def test_it_refuses_an_image_over_its_own_limit_when_pillow_only_warns():
    just_over_warning = corpus.png_declaring(10_000, 10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        assert refusal_code(just_over_warning) == "too_many_pixels"


def test_it_refuses_a_real_image_with_more_pixels_than_allowed():
    assert refusal_code(corpus.blank_png(4000, 4000), max_pixels=10_000_000) == "too_many_pixels"


def test_it_refuses_a_truncated_png():
    assert refusal_code(corpus.truncated_png()) == "damaged"


def test_it_refuses_a_truncated_jpeg():
    assert refusal_code(corpus.truncated_jpeg()) == "damaged"


def test_image_refusals_are_upload_refusals():
    with pytest.raises(UploadRejected):
        ingest(corpus.svg())


@pytest.mark.parametrize(
    "sample",
    [corpus.small_png, corpus.sideways_jpeg_with_gps, corpus.heic, corpus.animated_webp],
)
def test_corrupted_bytes_give_a_refusal_never_another_error(sample):
    original = sample()
    rng = random.Random(original)  # the same corruptions on every run
    for _ in range(40):
        mutated = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        try:
            assert isinstance(ingest(bytes(mutated)), IngestedImage)
        except ImageRejected:
            pass


# Hostile content never reaches the copies


def test_html_appended_to_a_png_stays_in_the_sealed_original_only():
    data = corpus.png_with_html_appended()
    image = ingest(data)
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    assert b"<script" not in image.display
    assert b"<script" not in image.thumbnail


# Photos: orientation and metadata


def test_it_turns_a_sideways_photo_upright():
    image = ingest(corpus.sideways_jpeg_with_gps())
    assert (image.width, image.height) == (200, 100)  # as stored in the file
    assert (image.display_width, image.display_height) == (100, 200)


def test_the_upright_photo_has_its_pixels_rotated_not_only_its_size():
    display = opened(ingest(corpus.sideways_jpeg_with_gps()).display)
    assert_close(display.getpixel((50, 20)), corpus.RED)
    assert_close(display.getpixel((50, 180)), corpus.BLUE)


@pytest.mark.parametrize("derivative", ["display", "thumbnail"])
def test_the_copies_of_a_photo_carry_no_exif_gps_or_colour_profile(derivative):
    data = getattr(ingest(corpus.sideways_jpeg_with_gps()), derivative)
    copy = opened(data)
    assert not copy.getexif()
    assert not {"exif", "icc_profile", "xmp"} & copy.info.keys()
    assert b"Exif" not in data
    assert b"iPhone" not in data


# Colour modes


def test_a_16_bit_grey_png_comes_out_mid_grey_not_white():
    display = opened(ingest(corpus.grey_16_bit_png()).display)
    assert_close(display.getpixel((32, 32)), (128, 128, 128), tolerance=3)


def test_a_cmyk_jpeg_comes_out_in_the_right_rgb_colours():
    display = opened(ingest(corpus.cmyk_jpeg()).display)
    assert display.mode == "RGB"
    assert_close(display.getpixel((50, 50)), (0, 255, 255))  # cyan
    assert_close(display.getpixel((150, 50)), (255, 0, 255))  # magenta


def test_transparent_pixels_come_out_white():
    display = opened(ingest(corpus.transparent_png()).display)
    assert_close(display.getpixel((25, 25)), (255, 255, 255), tolerance=2)


# PDF documents


def test_it_accepts_a_pdf_and_hashes_it():
    data = corpus.pdf(pages=3)
    info = sniff_pdf(data, max_bytes=MAX_BYTES)
    assert (info.sha256, info.size) == (hashlib.sha256(data).hexdigest(), len(data))


def test_it_reads_the_page_count_of_a_plain_pdf():
    assert sniff_pdf(corpus.pdf(pages=3), max_bytes=MAX_BYTES).page_count == 3


def test_it_does_not_guess_the_page_count_when_the_page_tree_is_compressed():
    info = sniff_pdf(corpus.pdf_with_compressed_page_tree(), max_bytes=MAX_BYTES)
    assert info.page_count is None


def pdf_refusal_code(data: bytes, max_bytes: int = MAX_BYTES) -> str:
    with pytest.raises(UploadRejected) as refusal:
        sniff_pdf(data, max_bytes=max_bytes)
    return refusal.value.code


def test_it_refuses_an_image_sent_as_a_pdf():
    assert pdf_refusal_code(corpus.small_png()) == "not_allowed"


def test_it_refuses_a_truncated_pdf():
    assert pdf_refusal_code(corpus.truncated_pdf()) == "damaged"


def test_it_refuses_an_empty_pdf():
    assert pdf_refusal_code(b"") == "empty"


def test_it_refuses_a_pdf_over_the_size_limit():
    data = corpus.pdf()
    assert pdf_refusal_code(data, max_bytes=len(data) - 1) == "too_large"
