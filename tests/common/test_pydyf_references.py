"""The one change made to a library (common/pydyf_references.py): applied at start-up for the
pydyf version it was written for only, and the PDF is byte for byte the one pydyf makes alone."""

import hashlib

import pydyf
import pytest

from common import pydyf_references
from common.pdf import RestrictedFetcher, render_pdf

# Enough pages, links and tagged elements for the references to be read many times over.
HTML = (
    "<html lang='fr'><body><h1 id='top'>Dossier</h1>"
    + "".join(
        f"<section style='break-before: page'><h2>Pièce {n}</h2><p>Texte {n}</p>"
        f"<a href='#top'>Retour</a></section>"
        for n in range(1, 40)
    )
    + "</body></html>"
)


def _pdf() -> str:
    return hashlib.sha256(render_pdf(HTML, RestrictedFetcher({}))).hexdigest()


@pytest.fixture
def unpatched_then_restored():
    pydyf_references.remove()
    yield
    pydyf_references.apply()


def test_it_is_applied_at_start_up_for_the_version_it_was_written_for():
    assert pydyf.__version__ == pydyf_references.WRITTEN_FOR
    assert pydyf_references.is_applied()


def test_the_patched_and_the_unpatched_writer_give_the_same_pdf(unpatched_then_restored):
    plain = _pdf()
    assert pydyf_references.apply()
    assert _pdf() == plain


def test_another_pydyf_version_is_left_alone(unpatched_then_restored, monkeypatch):
    monkeypatch.setattr(pydyf, "__version__", "0.14.0")
    assert not pydyf_references.apply()
    assert not pydyf_references.is_applied()
    assert isinstance(pydyf.PDF.__dict__["page_references"], property)
