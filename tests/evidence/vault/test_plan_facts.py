"""The 'start my dossier' box reads the plan's facts in the words of whoever answered."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from evidence.vault import plan_facts
from tests.evidence.factories import make_dossier

pytestmark = pytest.mark.django_db

PARENT = {
    "role": "guardian",
    "victim_age": "15_17",
    "acts": ["hacking", "doxxing"],
    "author_relation": "classmate",
    "author": "known",
    "several_authors": "yes",
}


def _words(facts, lang="fr") -> dict:
    return {str(label): words for label, words in plan_facts.summary(facts, lang)}


def test_a_parent_reads_about_their_childs_school_never_mine():
    words = _words(PARENT)
    assert words["Qui est l’auteur"] == "Un ou des élèves de son école"
    assert words["Ce qui se passe"] == (
        "Son compte a été piraté, Son adresse, son école ou ses infos privées publiées"
    )
    assert "mon école" not in " ".join(words.values())


def test_a_victim_reads_their_own_words():
    words = _words({**PARENT, "role": "victim"})
    assert words["Qui est l’auteur"] == "Un ou des élèves de mon école"


def test_no_raw_value_is_ever_shown():
    words = _words(PARENT)
    assert "L’auteur" not in words  # who the author is already says it
    values = " ".join(words.values())
    for raw in ("known", "classmate", "guardian", "15_17", "hacking"):
        assert raw not in values
    alone = _words({"role": "victim", "author": "unknown"})
    assert alone["L’auteur"] == "Inconnu"


def test_in_english_too():
    with translation.override("en"):
        words = _words(PARENT, "en")
    assert words["Who the author is"] == "One or more students at their school"


def test_the_dossier_page_shows_the_parents_words(owner, owner_client):
    dossier = make_dossier(owner, facts=PARENT)
    page = owner_client.get(reverse("evidence:dossier_detail", args=[dossier.pk])).text
    assert "Un ou des élèves de son école" in page
    assert "known" not in page.split("D’après votre plan")[1][:2000]
