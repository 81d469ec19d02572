"""The letter to the procureur: every element a complaint needs (legal-fr.md §2), and rules from
the facts declared to the wording: which offences it cites, how it names what happened, how the
facts were committed, who speaks, and French typography throughout."""

import datetime as dt
import re
from dataclasses import replace
from types import SimpleNamespace

import pytest

from common.dates import NNBSP
from evidence.complaint import qualification
from evidence.complaint.data import Complaint, Person, Suspect, Witness, person, to_plain
from evidence.complaint.letter import compose_letter, subject
from evidence.export.document.data import ChronologyEntry
from tests.evidence.export.factories import ADULT_FACTS, MINOR_FACTS, dossier, piece, with_suspect

UTC = dt.UTC


def spaced(text: str) -> str:
    """A phrase as the letter writes it: narrow no-break spaces before ; : ! ?, typographic
    apostrophes. Lets a test be written with ordinary spaces."""
    text = re.sub(r" ([;:!?])", NNBSP + r"\1", text)
    return text.replace("'", "’").replace("« ", "«" + NNBSP).replace(" »", NNBSP + "»")


def has(letter: str, phrase: str) -> bool:
    """Whether the letter says the phrase (no-break spaces after "n°" and in times aside)."""
    return spaced(phrase).replace("\u00a0", " ") in letter.replace("\u00a0", " ")


def cited(made) -> set[str]:
    return {offence.id for offence in qualification.cited(made)}


def answers(data: dict) -> Complaint:
    """The complaint as read from what the form stored."""
    return to_plain(SimpleNamespace(data=data, letter_text=""), minor=False)


def once(**fields):
    """One piece: a single act, on a single day."""
    return (piece(1, **fields),)


# --- The elements of a complaint ---------------------------------------------------------------


def test_it_is_addressed_to_the_procureur_near_the_chosen_tribunal():
    letter = compose_letter(dossier())
    assert letter.startswith(
        "Madame, Monsieur le procureur de la République\nprès le tribunal judiciaire de Lyon"
    )


def test_it_gives_the_complainants_civil_status_and_contact():
    letter = compose_letter(dossier())
    assert has(letter, "Camille Durand, née le 12 mai 1998 à Nantes")
    assert "8 quai de la Fosse, 44000 Nantes" in letter and "06 12 34 56 78" in letter


def test_an_address_typed_on_several_lines_reads_as_one_in_the_sentence():
    person = Person(name="Camille Durand", address="8 quai de la Fosse\n44000 Nantes")
    letter = compose_letter(dossier(complainant=person))
    assert "demeurant 8 quai de la Fosse, 44000 Nantes (" in letter


def test_it_tells_the_facts_in_order_with_dates_and_pieces():
    letter = compose_letter(dossier(3))
    first = letter.index("28 septembre 2026")
    assert first < letter.index("(pièce n°\u00a01)") < letter.index("(pièce n°\u00a03)")
    assert "sur Instagram" in letter


def test_it_complains_against_x_when_no_author_is_known():
    letter = compose_letter(dossier())
    assert has(letter, "je dépose plainte contre X")
    assert has(letter, "Objet : plainte contre X pour")


def test_it_names_the_suspect_with_every_pseudonym():
    letter = compose_letter(dossier(suspects=with_suspect()))
    assert "contre X" not in letter
    assert has(letter, "Kevin L., utilisant les pseudonymes « harceleur_42 » et « kev.l »")


def test_it_lists_witnesses_harm_and_enclosed_pieces():
    letter = compose_letter(dossier(2))
    assert has(letter, "La personne suivante peut témoigner :\n– Noé Bernard, noe@example.org.")
    assert has(letter, "– sommeil : insomnies.")
    assert has(letter, "– pièce n°\u00a01 : Message insultant n°\u00a01 ;")
    assert has(letter, "– pièce n°\u00a02 : Message insultant n°\u00a02.")


def test_it_ends_with_place_date_and_signature():
    letter = compose_letter(dossier())
    assert "Fait à Lyon, le 21 novembre 2026." in letter
    assert letter.rstrip().endswith(spaced("Signature : Camille Durand"))


def test_partie_civile_is_declared_only_when_chosen():
    declared = "Je déclare me constituer partie civile"
    assert has(compose_letter(dossier(partie_civile=True)), declared)
    assert not has(compose_letter(dossier()), declared)


def test_what_is_missing_is_shown_not_hidden():
    letter = compose_letter(dossier(tribunal_city="", place=""))
    assert has(letter, "tribunal judiciaire de [à compléter : ville du tribunal judiciaire]")
    assert has(letter, "Fait à [à compléter : ville où la lettre est signée]")


def test_offences_are_cited_as_articles_or_laws_in_running_text():
    letter = compose_letter(dossier())
    assert has(letter, "harcèlement moral, dont le cyberharcèlement (art. 222-33-2-2 du Code")
    assert has(letter, "(loi du 29 juillet 1881, art. 29, 32 et 33)")


# --- Which offences it cites: only those whose conditions the declared facts meet ---------------

CONDITIONAL = [
    # facts of the questionnaire, the condition the complaint asks, the offence it settles
    ({"acts": ["humiliating_media"]}, "taken_in_private", "226-1"),
    ({"acts": ["intimate_images"]}, "faked_images", "226-8-1"),
    ({"acts": ["intimate_images"]}, "real_images", "226-2-1"),
    ({"acts": ["insults"], "author_relation": "classmate"}, "pupil_at_same_school", "222-33-2-3"),
    (
        {"acts": ["insults"], "author_relation": "spouse_or_ex"},
        "spouse_or_cohabitant",
        "222-33-2-1",
    ),
    (
        {"acts": ["threats"], "victim_public_role": "school_staff"},
        "threatened_for_job",
        "433-3",
    ),
    (
        {"acts": ["sexual_solicitation"], "victim_age": "under_15", "role": "guardian"},
        "author_is_adult",
        "227-22-1",
    ),
    ({"acts": ["insults"], "visibility": "unknown"}, "private_words", "R621-2"),
    ({"acts": ["insults"], "visibility": "unknown"}, "public_words", "loi1881-33"),
]


@pytest.mark.parametrize(("facts", "condition", "offence"), CONDITIONAL)
def test_a_conditional_offence_is_cited_only_once_its_condition_is_confirmed(
    facts, condition, offence
):
    facts = {**ADULT_FACTS, **facts}
    unconfirmed = dossier(facts=facts)
    article = next(o for o in unconfirmed.offences if o.id == offence).article
    assert offence not in cited(unconfirmed)
    assert article[4:] not in compose_letter(unconfirmed)
    for answer in ("no", "unknown", ""):
        answered = answers({condition: answer})
        assert offence not in cited(dossier(facts=facts, confirmed=answered.confirmed))
    confirmed = dossier(facts=facts, confirmed=answers({condition: "yes"}).confirmed)
    assert offence in cited(confirmed)
    letter = compose_letter(confirmed)
    assert article[4:] in letter
    # The letter states the condition it relies on.
    assert qualification.confirmed_condition(
        next(o for o in confirmed.offences if o.id == offence)
    ) in letter.replace(NNBSP, " ")


@pytest.mark.parametrize(("facts", "condition", "offence"), CONDITIONAL)
def test_a_condition_is_asked_only_where_its_offence_can_apply(facts, condition, offence):
    found = dossier(facts={**ADULT_FACTS, **facts}).offences
    asked = [c.key for s in ("facts", "suspects") for c in qualification.asked(found, s)]
    assert condition in asked
    plain_insults = dossier(facts=ADULT_FACTS).offences
    assert [c for s in ("facts", "suspects") for c in qualification.asked(plain_insults, s)] == []


def test_every_conditional_offence_of_the_content_can_be_confirmed():
    from evidence.complaint.forms import QUESTIONS
    from evidence.complaint.qualification import CONDITIONS
    from guidance import engine

    settled = {offence for condition in CONDITIONS for offence in condition.offences}
    for offence in engine.content().offences:
        if offence.only_if is not None and offence.only_if.known is None:
            assert offence.id in settled, offence.id
    assert {condition.key for condition in CONDITIONS} == set(QUESTIONS)


def test_an_offence_the_facts_already_settle_is_cited_without_a_question():
    public = dossier(facts={**ADULT_FACTS, "visibility": "public"})
    assert "loi1881-33" in cited(public)
    assert qualification.asked(public.offences, "facts") == []


def test_harassment_is_cited_only_for_repeated_acts():
    single = dossier(once())
    assert "222-33-2-2" not in cited(single)
    assert "harcèlement" not in compose_letter(single)
    on_two_days = dossier(2)
    assert "222-33-2-2" in cited(on_two_days)


def test_what_the_person_said_about_repetition_wins_over_the_dates():
    assert "222-33-2-2" in cited(dossier(once(), repeated=True))
    assert "222-33-2-2" not in cited(dossier(2, repeated=False))


def test_pieces_on_the_same_day_are_not_repetition_by_themselves():
    same_day = dt.datetime(2026, 10, 3, 21, 30, tzinfo=UTC)
    made = (piece(1, published_at=same_day), piece(2, published_at=same_day))
    assert "222-33-2-2" not in cited(dossier(made))


def test_a_raid_is_harassment_even_when_each_author_acted_once():
    raid = {**MINOR_FACTS, "several_authors": "yes", "author_relation": "classmate"}
    made = dossier(once(), minor=True, facts=raid, confirmed=frozenset({"pupil_at_same_school"}))
    assert "222-33-2-2" in cited(made)
    assert "222-33-2-3" not in cited(made)  # school bullying: repeated acts only


# --- How it names what happened -------------------------------------------------------------------


def test_a_single_act_of_blackmail_is_blackmail_not_harassment():
    facts = {**ADULT_FACTS, "acts": ["sextortion"], "visibility": "private"}
    made = dossier(once(), facts=facts)
    letter = compose_letter(made)
    assert subject(made) == "plainte contre X pour chantage à caractère sexuel (sextorsion)"
    assert "harcèlement" not in letter and "faits répétés" not in letter
    assert cited(made) == {"312-10"}


def test_death_threats_are_named_as_such():
    facts = {**ADULT_FACTS, "acts": ["death_threats"], "visibility": "private"}
    assert subject(dossier(once(), facts=facts)) == "plainte contre X pour menaces de mort"


def test_repeated_insults_are_cyberharassment_and_said_repeated():
    made = dossier(3, suspects=with_suspect())
    assert subject(made) == "plainte pour cyberharcèlement et injures"
    assert "de faits répétés" in compose_letter(made)


def test_school_bullying_is_named_once_the_pupil_is_confirmed():
    facts = {**MINOR_FACTS, "author_relation": "classmate"}
    made = dossier(minor=True, facts=facts, confirmed=frozenset({"pupil_at_same_school"}))
    assert subject(made).endswith("pour harcèlement scolaire et injures")


# --- How the facts were committed: the words of the law for public and private content ------------

PUBLIC = "au moyen d'un service de communication au public en ligne"
PRIVATE = "par le biais d'un support numérique ou électronique"


@pytest.mark.parametrize(
    ("visibility", "present", "absent"),
    [
        ("private", [PRIVATE], [PUBLIC]),
        ("public", [PUBLIC], [PRIVATE]),
        ("both", [f"{PUBLIC} et {PRIVATE}"], []),
    ],
)
def test_private_messages_are_sent_by_digital_means_public_content_online(
    visibility, present, absent
):
    letter = compose_letter(dossier(facts={**ADULT_FACTS, "visibility": visibility}))
    for phrase in present:
        assert has(letter, phrase), phrase
    for phrase in absent:
        assert not has(letter, phrase), phrase


def test_when_the_questionnaire_did_not_say_the_complaint_does():
    facts = {**ADULT_FACTS, "visibility": "unknown"}
    assert has(compose_letter(dossier(facts=facts)), f"{PUBLIC} ou {PRIVATE}")
    told = compose_letter(dossier(facts=facts, confirmed=frozenset({"private_words"})))
    assert has(told, PRIVATE) and not has(told, PUBLIC)


# --- Dates: relative ones in the chronology, removed pieces -------------------------------------


def test_a_piece_dated_only_relatively_stands_at_its_capture_marked_approximate():
    captured = dt.datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    made = (piece(1), piece(2, published_at=None, published_text="hier", captured_at=captured))
    letter = compose_letter(dossier(made))
    assert has(
        letter,
        "– au plus tard le 20 octobre 2026, date de la capture (date lue à l'écran : « hier ») : "
        "Commentaire insultant sous la photo, n°\u00a02 (pièce n°\u00a02)",
    )


def test_without_a_capture_time_the_receipt_is_the_anchor_and_said_so():
    made = (piece(1, published_at=None, published_text="il y a 3 j"),)
    letter = compose_letter(dossier(made))
    assert has(letter, "au plus tard le 20 novembre 2026, date de réception par le serveur")
    assert has(letter, "(date lue à l'écran : « il y a 3 j »)")


def test_a_gap_in_the_numbering_is_explained():
    made = (piece(1), piece(3))
    letter = compose_letter(dossier(made, removed=(2,)))
    assert has(letter, "Je joins à la présente plainte 2 pièces, numérotées et décrites")
    assert has(letter, "La pièce n°\u00a02 a été retirée du dossier le 20 novembre 2026 à 11")


def test_the_count_of_pieces_is_always_that_of_the_pieces_listed():
    for count in (1, 2, 9):
        letter = compose_letter(dossier(count))
        announced = re.search(r"plainte (\d+) pièces?, numérotées?", letter)
        assert announced and int(announced.group(1)) == count
        assert len(re.findall(r"^– pièce n°", letter, re.MULTILINE)) == count


# --- The person's own words -----------------------------------------------------------------------


def test_the_persons_own_account_and_additions_are_paragraphs_of_their_own():
    account = "Tout a commencé à la rentrée.\n\nDepuis, je n'ose plus sortir."
    made = dossier(facts_account=account, letter_additions="Je reste joignable: le soir.")
    paragraphs = compose_letter(made).split("\n\n")
    opening = next(i for i, p in enumerate(paragraphs) if p.startswith("J’ai été victime"))
    assert paragraphs[opening + 1] == "Tout a commencé à la rentrée."
    assert paragraphs[opening + 2] == "Depuis, je n’ose plus sortir."
    closing = next(i for i, p in enumerate(paragraphs) if p.startswith("Je vous prie"))
    assert f"Je reste joignable{NNBSP}: le soir." in paragraphs[closing - 2 : closing]


# --- Pseudonyms, typography -----------------------------------------------------------------------


def test_a_pseudonym_is_kept_whole_and_exactly_as_typed():
    suspects = (Suspect(pseudonyms=("kev, le boss", "xX_kev!!_Xx", "kev !")),)
    letter = compose_letter(dossier(suspects=suspects))
    assert f"«{NNBSP}kev, le boss{NNBSP}»" in letter
    assert f"«{NNBSP}xX_kev!!_Xx{NNBSP}»" in letter
    assert f"«{NNBSP}kev !{NNBSP}»" in letter  # its own space, not a narrow one


def test_a_sentence_loses_its_stop_in_a_list_an_initial_keeps_its_point():
    letter = compose_letter(
        dossier(
            suspects=(Suspect(name="Tom L."), Suspect(name="Léa", details="élève de 3e B.")),
            witnesses=(Witness("Noé B."),),
        )
    )
    assert f"– Tom L.{NNBSP};\n– Léa, élève de 3e B{NNBSP};" in letter
    assert "– Noé B.\n" in letter  # the initial's point ends the list too: no "B.."


def test_the_letter_is_in_french_typography_with_the_persons_text_too():
    made = replace(
        dossier(
            2,
            suspects=(Suspect(name="Tom", details="élève de 3e B."),),
            letter_additions="Note: je suis joignable ; le soir !",
        ),
        free_entries=(ChronologyEntry(dt.date(2026, 9, 28), "Rumeur au collège."),),
    )
    letter = compose_letter(made)
    assert ". ;" not in letter and ".;" not in letter
    assert "Note\u202f: je suis joignable\u202f; le soir\u202f!" in letter
    # Before each ; : ! ? that ends a phrase, a narrow no-break space, never a plain one or none.
    for match in re.finditer(r"(.)([;:!?])(?=\s|$)", letter):
        assert match.group(1) == NNBSP, letter[max(0, match.start() - 30) : match.end() + 5]


# --- Who speaks, and how each person is written --------------------------------------------------


@pytest.mark.parametrize(
    ("civility", "words"),
    [
        ("madame", ["Je soussignée, Camille Durand, née le 12 mai 1998"]),
        ("monsieur", ["Je soussigné, Camille Durand, né le 12 mai 1998"]),
        ("", ["Je soussigné(e), Camille Durand, né(e) le 12 mai 1998"]),
    ],
)
def test_the_complainant_is_written_as_they_said_neutral_only_when_unknown(civility, words):
    person = Person(name="Camille Durand", birth_date="12 mai 1998", civility=civility)
    letter = compose_letter(dossier(complainant=person))
    for phrase in words:
        assert phrase in letter
    if civility:
        assert "(e)" not in letter


def test_a_mother_and_a_girl_are_written_in_the_feminine():
    girl = person({"name": "Léa Martin", "birth_date": "2011-03-03", "civility": "madame"})
    # "mère" says it already: no need to choose "Madame".
    mother = person({"name": "Anne Martin", "relationship": "mère", "birth_date": "1980-02-01"})
    letter = compose_letter(dossier(minor=True, victim=girl, representatives=(mother,)))
    assert has(
        letter,
        "Je soussignée, Anne Martin, née le 1er février 1980, demeurant [à compléter : adresse]",
    )
    assert has(letter, "agissant en qualité de mère et représentante légale de Léa Martin, née le")
    assert has(letter, "3 mars 2011, mineure, ai l'honneur de déposer plainte au nom de mon enfant")
    assert "(e)" not in letter


def test_two_representatives_speak_as_we_and_both_sign():
    boy = person({"name": "Ilan Martin", "civility": "monsieur"})
    parents = (
        person({"name": "Anne Martin", "relationship": "mère"}),
        person({"name": "Paul Martin", "relationship": "père"}),
    )
    letter = compose_letter(
        dossier(minor=True, victim=boy, representatives=parents, partie_civile=True)
    )
    assert has(letter, "Nous soussignés, Anne Martin (mère)")
    assert has(letter, "et Paul Martin (père)")
    assert has(letter, "agissant en qualité de représentants légaux d'Ilan Martin, mineur, avons")
    assert has(letter, "Nous déclarons nous constituer partie civile et demandons réparation")
    assert has(letter, "Notre enfant a été victime")
    assert letter.rstrip().endswith(spaced("Signatures : Anne Martin et Paul Martin"))
    assert "Je " not in letter


def test_a_complaint_filed_for_a_minor_is_in_the_childs_name():
    letter = compose_letter(dossier(minor=True))
    assert "Mon enfant a été victime" in letter
    assert letter.rstrip().endswith(spaced("Signature : Anne Martin"))


def test_without_any_detail_every_gap_is_marked():
    letter = compose_letter(dossier(complainant=Person(), witnesses=()))
    assert has(letter, "Je soussigné(e), [à compléter : nom et prénom du plaignant]")
    assert has(letter, "[à compléter : date et lieu de naissance]")
    assert has(letter, "Je n'ai pas, à ce jour, de témoin à citer.")
