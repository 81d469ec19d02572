"""Rendering a PDF raises the cycle collector's threshold (a quarter of the time of a big
dossier went to it) and puts the process's setting back afterwards, even when it fails."""

import gc

import pytest

from common.pdf import RestrictedFetcher, render_pdf, resource_url

STYLESHEET = resource_url("static/test.css")
HTML = f"<html lang='fr'><head><link rel='stylesheet' href='{STYLESHEET}'></head><body><p>Pièce</p>"


def _fetcher(seen: list[int]) -> RestrictedFetcher:
    def stylesheet() -> tuple[bytes, str]:
        seen.append(gc.get_threshold()[0])  # fetched in the middle of the rendering
        return b"p { color: #111 }", "text/css"

    return RestrictedFetcher({STYLESHEET: stylesheet})


@pytest.fixture
def default_threshold():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_the_collector_runs_less_often_while_a_pdf_is_rendered(default_threshold):
    seen: list[int] = []

    pdf = render_pdf(HTML, _fetcher(seen))

    assert pdf.startswith(b"%PDF")
    assert seen and seen[0] > 700


def test_the_collectors_threshold_comes_back_after_rendering(default_threshold):
    render_pdf(HTML, _fetcher([]))

    assert gc.get_threshold() == (700, 10, 10)


class _FullDisk:
    def write(self, data: bytes) -> int:
        raise OSError(28, "No space left on device")


def test_the_collectors_threshold_comes_back_when_rendering_fails(default_threshold):
    with pytest.raises(OSError):
        render_pdf(HTML, _fetcher([]), target=_FullDisk())

    assert gc.get_threshold() == (700, 10, 10)
