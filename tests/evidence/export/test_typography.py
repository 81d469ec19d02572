"""French typography and times, as the letter and the dossier PDF write them."""

import datetime as dt

import pytest

from common.dates import french_datetime, french_datetime_utc
from common.typography import typography, verbatim
from evidence.templatetags.dossier_pdf import fr_date, years

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Objet: plainte", f"Objet{NNBSP}: plainte"),
        ("Objet : plainte", f"Objet{NNBSP}: plainte"),
        ("t'es où?!", f"t’es où{NNBSP}?!"),
        ("un ; deux", f"un{NNBSP}; deux"),
        ("«bonjour»", f"«{NNBSP}bonjour{NNBSP}»"),
        ("pièce n° 3", f"pièce n°{NBSP}3"),
        ("a  :  b", f"a{NNBSP}: b"),
    ],
)
def test_high_punctuation_gets_a_narrow_no_break_space(typed, written):
    assert typography(typed) == written


@pytest.mark.parametrize(
    "kept",
    [
        "https://x.fr/p/?a=1&b=2;c",
        "www.example.org/?x=1",
        "noe@example.org",
        "à 14:30",
        "Yahoo!Mail",
        "C:\\dossier",
    ],
)
def test_addresses_times_and_words_with_marks_inside_are_left_alone(kept):
    assert typography(kept) == kept


def test_a_verbatim_span_is_kept_exactly_as_typed_and_still_spaced_around():
    assert typography(f"« {verbatim('kev !')} » ; ok") == f"«{NNBSP}kev !{NNBSP}»{NNBSP}; ok"
    quoted = verbatim("t'es nulle")
    assert typography(f"dit {quoted}") == "dit t'es nulle"  # not turned into t’es


def test_typography_twice_is_typography_once():
    text = "Objet : « plainte » ; n° 3 !"
    assert typography(typography(text)) == typography(text)


def test_times_in_the_body_are_paris_times_and_utc_in_the_annex():
    winter = dt.datetime(2026, 11, 20, 9, 5, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)
    assert french_datetime(winter) == f"20 novembre 2026 à 10{NBSP}h{NBSP}05"
    assert french_datetime(summer) == f"2 juillet 2026 à 0{NBSP}h{NBSP}30"  # the next day
    assert french_datetime_utc(summer) == f"1er juillet 2026 à 22{NBSP}h{NBSP}30{NBSP}UTC"
    assert fr_date(summer) == "2 juillet 2026"


def test_half_a_year_in_prison_is_six_months():
    assert years(0.5) == "6 mois" and years(1) == "1 an" and years(3) == "3 ans"
