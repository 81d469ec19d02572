"""The dossier PDF: real text with every part, hashes that match the originals, a valid file,
and a fetcher that serves only this dossier's images and our stylesheet."""

import hashlib
import json
import re
import subprocess

import pydyf
import pytest

from common.pdf import RestrictedFetcher, render_pdf
from evidence.export.document.render import dossier_html, render_dossier_pdf
from tests.evidence.export.factories import dossier, screenshot, with_suspect


def pdftotext(pdf: bytes, tmp_path, *, layout: bool = False) -> str:
    """The PDF's text; without layout, lines are joined so that phrases can be searched."""
    path = tmp_path / "dossier.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text if layout else re.sub(r"[ \n\u00a0\u202f]+", " ", text).replace("’", "'")


@pytest.fixture(scope="module")
def rendered():
    return render_dossier_pdf(dossier(3))


def test_the_pdf_holds_the_letters_required_elements_as_real_text(rendered, tmp_path):
    text = pdftotext(rendered[0], tmp_path)
    for element in (
        "procureur de la République",
        "près le tribunal judiciaire de Lyon",
        "Camille Durand",
        "plainte contre X",
        "Noé Bernard",
        "préjudice",
        "Fait à Lyon, le 21 novembre 2026",
        "Signature",
    ):
        assert element in text, element


def test_the_pdf_lists_every_piece_in_the_bordereau_and_gives_each_its_page(rendered, tmp_path):
    text = pdftotext(rendered[0], tmp_path)
    bordereau = text[text.index("5. Bordereau de pièces") :]
    for number in (1, 2, 3):
        assert f"Message insultant n° {number}" in bordereau
        assert f"Pièce n° {number} — Message insultant n° {number}" in text


def test_the_hashes_in_the_pdf_are_those_of_the_originals(rendered, tmp_path):
    text = pdftotext(rendered[0], tmp_path).replace("\n", " ")
    for number in (1, 2, 3):
        assert hashlib.sha256(screenshot(number)).hexdigest() in text


def test_pages_are_numbered_out_of_the_total(rendered, tmp_path):
    text = pdftotext(rendered[0], tmp_path, layout=True)
    pages = text.count("\f")
    assert f"page 2 / {pages}" in text and f"page {pages} / {pages}" in text
    assert "Dossier D-7F3A9C" in text  # running header


def test_qpdf_finds_the_pdf_valid(rendered, tmp_path):
    path = tmp_path / "dossier.pdf"
    path.write_bytes(rendered[0])
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pdf_has_bookmarks_and_embedded_fonts(rendered, tmp_path):
    path = tmp_path / "dossier.pdf"
    path.write_bytes(rendered[0])
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    plain = tmp_path / "plain.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), str(plain)], check=True)
    structure = plain.read_bytes()
    annex_title = ("\ufeff" + "7. Annexe d’intégrité").encode("utf-16-be").hex()
    assert b"/Outlines" in structure and f"<{annex_title}>".encode() in structure  # bookmarks
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)


def _bookmarks(outlines: list[dict]):
    for outline in outlines:
        yield outline
        yield from _bookmarks(outline["kids"])


def test_every_bookmark_opens_the_page_that_bears_its_title(rendered, tmp_path):
    # Bookmarks, links and tags point at pages through the cached page references (common.pdf).
    path = tmp_path / "dossier.pdf"
    path.write_bytes(rendered[0])
    outlines = json.loads(
        subprocess.run(
            ["qpdf", "--json", "--json-key=outlines", str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )["outlines"]
    bookmarks = list(_bookmarks(outlines))
    assert len(bookmarks) >= 7 + 3  # the seven parts, the three pieces
    for bookmark in bookmarks:
        page = bookmark["destpageposfrom1"]
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        title = bookmark["title"].replace("\u00a0", " ")
        assert title in re.sub(r"[ \n\u00a0]+", " ", text), (title, page)


def test_the_cached_page_references_follow_the_pages_added():
    pdf = pydyf.PDF()
    first, second = pydyf.Dictionary({"Type": "/Page"}), pydyf.Dictionary({"Type": "/Page"})
    pdf.add_page(first)
    assert pdf.page_references == (f"{first.number} 0 R".encode(),)
    pdf.add_page(second)
    assert pdf.page_references == (f"{first.number} 0 R".encode(), f"{second.number} 0 R".encode())


def test_the_fetcher_served_the_images_of_this_dossier_only(rendered):
    fetcher = rendered[1]
    assert fetcher.refused == []
    assert sum("/piece/" in url for url in fetcher.served) == 3


def test_a_minors_dossier_names_the_representative_and_a_known_author(tmp_path):
    pdf, _ = render_dossier_pdf(dossier(1, minor=True, suspects=with_suspect()))
    text = pdftotext(pdf, tmp_path)
    assert "mère et représentante légale de Léa Martin" in text
    assert "Kevin L." in text and "contre X" not in text


def test_the_fetcher_refuses_a_file_url_and_another_dossiers_image():
    html, resources = dossier_html(dossier(1))
    planted = (
        '<img src="file:///etc/passwd" alt="">'
        '<img src="pdf-resource:dossier/D-OTHER/piece/1/1" alt="">'
        '<img src="https://example.org/tracker.png" alt="">'
    )
    fetcher = RestrictedFetcher(resources)
    render_pdf(html.replace("</body>", planted + "</body>"), fetcher)
    assert fetcher.refused == [
        "file:///etc/passwd",
        "pdf-resource:dossier/D-OTHER/piece/1/1",
        "https://example.org/tracker.png",
    ]
