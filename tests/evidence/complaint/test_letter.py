"""The letter to the procureur holds every element a complaint needs (legal-fr.md §2)."""

from dataclasses import replace

from evidence.complaint.letter import compose_letter, letter_text, typography
from evidence.export.document.data import Offence
from tests.evidence.export.factories import dossier, with_suspect


def test_it_is_addressed_to_the_procureur_of_the_chosen_tribunal():
    letter = compose_letter(dossier())
    assert letter.startswith(
        "Madame, Monsieur le procureur de la République\nTribunal judiciaire de Lyon"
    )


def test_it_gives_the_complainants_civil_status_and_contact():
    letter = compose_letter(dossier())
    assert "Camille Durand, né(e) le 12 mai 1998 à Nantes" in letter
    assert "8 quai de la Fosse, 44000 Nantes" in letter and "06 12 34 56 78" in letter


def test_it_tells_the_facts_in_order_with_dates_and_pieces():
    letter = compose_letter(dossier(3))
    first = letter.index("28 septembre 2026")
    assert first < letter.index("(pièce n° 1)") < letter.index("(pièce n° 3)")
    assert "sur Instagram" in letter


def test_it_complains_against_x_when_no_author_is_known():
    assert "je dépose plainte contre X" in compose_letter(dossier())


def test_it_names_the_suspect_with_every_pseudonym():
    letter = compose_letter(dossier(suspects=with_suspect()))
    assert "contre X" not in letter
    assert "Kevin L." in letter
    assert "«\u202fharceleur_42\u202f»" in letter and "«\u202fkev.l\u202f»" in letter


def test_it_lists_witnesses_harm_and_enclosed_pieces():
    letter = compose_letter(dossier(2))
    assert "Noé Bernard, noe@example.org" in letter
    assert "insomnies" in letter
    assert "– pièce n° 1\u202f: Message insultant n° 1" in letter
    assert "– pièce n° 2\u202f: Message insultant n° 2" in letter


def test_it_ends_with_place_date_and_signature():
    letter = compose_letter(dossier())
    assert "Fait à Lyon, le 21 novembre 2026." in letter
    assert letter.rstrip().endswith("Signature\u202f: Camille Durand")


def test_a_minors_dossier_names_the_legal_representative():
    letter = compose_letter(dossier(minor=True))
    assert "Anne Martin" in letter and "mère" in letter
    assert "agissant en qualité de représentant(e) légal(e) de Léa Martin" in letter
    assert "Mon enfant est victime" in letter
    assert letter.rstrip().endswith("Signature\u202f: Anne Martin")


def test_partie_civile_is_declared_only_when_chosen():
    assert "Je déclare me constituer partie civile" in compose_letter(dossier(partie_civile=True))
    assert "Je déclare me constituer partie civile" not in compose_letter(dossier())


def test_what_is_missing_is_shown_not_hidden():
    letter = compose_letter(dossier(tribunal_city="", place=""))
    assert "Tribunal judiciaire de [à compléter\u202f: ville du tribunal judiciaire]" in letter


def test_the_users_edited_text_wins_over_the_generated_one():
    assert letter_text(dossier(letter_text="Mon texte à moi.")) == "Mon texte à moi."


def test_french_typography_spares_urls_and_times():
    assert typography("Voir : https://x.fr à 14:30 !") == "Voir\u202f: https://x.fr à 14:30\u202f!"


def test_offences_are_cited_as_articles_or_laws():
    offences = (
        Offence("222-33-2-2", "Harcèlement moral", 3, 45000),
        Offence("Loi du 29 juillet 1881, art. 33", "Injure publique", None, 12000),
    )
    letter = compose_letter(replace(dossier(), offences=offences))
    assert "Harcèlement moral (art. 222-33-2-2)" in letter
    assert "Injure publique (Loi du 29 juillet 1881, art. 33)" in letter
    assert "art. Loi" not in letter
