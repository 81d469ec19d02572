"""Preparing the complaint: each section saves on its own and leads to the next; a bad value
comes back with a translated error and everything typed; a page opened before another save
does not overwrite it; the letter is generated, can be edited, and reset."""

import uuid

import pytest
from django.urls import reverse

from evidence.complaint import services as complaint
from evidence.models import ChronologyNote, Complaint, Concerns, Role
from tests.evidence.factories import add_image_piece, make_dossier, make_note

pytestmark = pytest.mark.django_db


def url(name: str, dossier) -> str:
    return reverse(f"evidence:{name}", args=[dossier.pk])


def data(dossier) -> dict:
    return complaint.stored(dossier).data


def version(dossier) -> str:
    return str(complaint.stored(dossier).version)


def blocks(prefix: str, *filled: dict, initial: int = 0) -> dict:
    """What a section's formset posts: its management form, then each block's fields."""
    posted = {
        f"{prefix}-TOTAL_FORMS": str(len(filled)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for index, block in enumerate(filled):
        posted.update({f"{prefix}-{index}-{name}": value for name, value in block.items()})
    return posted


ADULT_IDENTITY = {
    "complainant_name": "Camille Durand",
    "complainant_birth_date": "1998-05-12",
    "complainant_birth_place": "Nantes",
    "complainant_occupation": "infirmière",
    "complainant_address": "8 quai de la Fosse\n44000 Nantes",
    "complainant_phone": "06 12 34 56 78",
    "complainant_email": "camille@example.org",
}


# --- Sections ------------------------------------------------------------------------------------


def test_the_overview_lists_every_section_and_what_the_letter_still_misses(owner_client, dossier):
    page = owner_client.get(url("complaint", dossier)).text
    for title in ("Qui porte plainte", "Ce qui s’est passé", "L’auteur ou les auteurs", "Témoins",
                  "Le préjudice", "À qui l’envoyer", "Chronologie", "La lettre"):  # fmt: skip
        assert title in page, title
    assert "Aucun auteur nommé : la plainte sera contre X" in page
    assert "ville du tribunal judiciaire" in page  # a gap of the letter


def test_the_identity_section_saves_and_leads_to_what_happened(owner_client, dossier):
    response = owner_client.post(
        url("complaint_identity", dossier),
        {"version": "0", **ADULT_IDENTITY, "complainant_civility": "madame"},
    )
    assert response["Location"] == url("complaint_facts", dossier)
    assert data(dossier)["complainant"] == {
        "name": "Camille Durand",
        "civility": "madame",
        "birth_date": "1998-05-12",
        "birth_place": "Nantes",
        "occupation": "infirmière",
        "address": "8 quai de la Fosse\n44000 Nantes",
        "phone": "06 12 34 56 78",
        "email": "camille@example.org",
    }
    page = owner_client.get(url("complaint_facts", dossier)).text
    assert "Enregistré." in page


def test_the_saved_notice_is_shown_once_and_gone_on_reload(owner_client, dossier):
    response = owner_client.post(url("complaint_harm", dossier), {"version": "0"})
    page = owner_client.get(response["Location"]).text
    assert '<div class="notices" role="status">' in page
    assert page.index("<h1>") < page.index("Enregistré.") < page.index('class="lead"')
    assert "Enregistré." not in owner_client.get(response["Location"]).text


def test_an_empty_section_is_saved_too_every_field_is_optional(owner_client, dossier):
    response = owner_client.post(url("complaint_harm", dossier), {"version": "0"})
    assert response["Location"] == url("complaint_tribunal", dossier)
    assert data(dossier)["harm"]["medical_certificate"] is False


def test_saved_values_come_back_in_the_form(owner_client, dossier):
    owner_client.post(url("complaint_identity", dossier), {"version": "0", **ADULT_IDENTITY})
    page = owner_client.get(url("complaint_identity", dossier)).text
    assert 'value="Camille Durand"' in page and 'value="1998-05-12"' in page
    assert 'autocomplete="name"' in page and 'type="tel"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("complainant_email", "camille@", "Saisissez une adresse de courriel valide."),
        ("complainant_phone", "appelle-moi", "Écrivez un numéro de téléphone avec des chiffres"),
        ("complainant_birth_date", "2999-01-01", "Cette date est dans le futur."),
        ("complainant_birth_date", "1850-01-01", "Vérifiez l’année de cette date."),
        ("complainant_birth_date", "pas une date", "Saisissez une date valide."),
    ],
)
def test_a_bad_value_gets_a_translated_error_and_loses_nothing_typed(
    field, value, message, owner_client, dossier
):
    typed = {**ADULT_IDENTITY, field: value}
    response = owner_client.post(url("complaint_identity", dossier), {"version": "0", **typed})
    assert response.status_code == 200
    page = response.text
    assert 'role="alert"' in page and message in page
    assert f'id="id_{field}"' in page and 'aria-invalid="true"' in page
    assert f"{field}_error" in page
    for name, text in typed.items():
        if name != "complainant_address":
            assert f'value="{text}"' in page, name
    assert "8 quai de la Fosse\n44000 Nantes</textarea>" in page
    assert data(dossier) == {}


def test_a_wrong_number_of_itt_days_is_explained(owner_client, dossier):
    response = owner_client.post(
        url("complaint_harm", dossier),
        {"version": "0", "health": "angoisses", "itt_days": "huit"},
    )
    assert "Écrivez un nombre de jours, comme 8." in response.text
    assert "angoisses</textarea>" in response.text and 'value="huit"' in response.text


def test_a_page_opened_before_another_save_does_not_overwrite_it(owner_client, dossier):
    owner_client.post(url("complaint_tribunal", dossier), {"version": "0", "tribunal_city": "Lyon"})
    stale = owner_client.post(
        url("complaint_tribunal", dossier), {"version": "0", "tribunal_city": "Nantes"}
    )
    assert stale.status_code == 200
    assert "depuis une autre page ou un autre appareil" in stale.text
    assert 'value="Nantes"' in stale.text and 'name="version" value="1"' in stale.text
    assert data(dossier)["tribunal_city"] == "Lyon"
    again = owner_client.post(
        url("complaint_tribunal", dossier), {"version": "1", "tribunal_city": "Nantes"}
    )
    assert again.status_code == 302 and data(dossier)["tribunal_city"] == "Nantes"


def test_a_form_without_its_version_is_refused(owner_client, dossier):
    response = owner_client.post(url("complaint_tribunal", dossier), {"tribunal_city": "Lyon"})
    assert "Ce formulaire est incomplet" in response.text
    assert data(dossier) == {}


def test_several_authors_each_with_several_pseudonyms(owner_client, dossier):
    add_image_piece(dossier, author_displayed="@tom_75")
    page = owner_client.get(url("complaint_suspects", dossier)).text
    assert "@tom_75" in page  # shown in the pieces, offered as a reminder
    assert 'name="suspects-0-name"' in page and 'name="suspects-1-name"' not in page
    response = owner_client.post(
        url("complaint_suspects", dossier),
        {
            "version": "0",
            **blocks(
                "suspects",
                {
                    "name": "Tom L.",
                    "pseudonyms": "@tom_75\ntom.l, tom_bis\n@tom_75",
                    "details": "élève de 3e B",
                },
            ),
            "more": "1",
        },
    )
    assert response["Location"] == url("complaint_suspects", dossier)  # one more block
    page = owner_client.get(url("complaint_suspects", dossier)).text
    assert 'name="suspects-1-name"' in page and "Auteur 2" in page
    owner_client.post(
        url("complaint_suspects", dossier),
        {
            "version": "1",
            **blocks(
                "suspects",
                {"name": "Tom L.", "pseudonyms": "@tom_75\ntom.l"},
                {"name": "", "pseudonyms": "@anonyme_99"},
                initial=1,
            ),
        },
    )
    suspects = data(dossier)["suspects"]
    assert [s["pseudonyms"] for s in suspects] == [["@tom_75", "tom.l"], ["@anonyme_99"]]
    assert "2 auteurs nommés" in owner_client.get(url("complaint", dossier)).text


def test_emptying_an_author_removes_them(owner_client, dossier):
    complaint.save_section(dossier, {"suspects": [{"name": "Tom"}]}, version=0)
    owner_client.post(
        url("complaint_suspects", dossier),
        {"version": "1", **blocks("suspects", {"name": ""}, {}, initial=1)},
    )
    assert data(dossier)["suspects"] == []


def test_a_pseudonym_with_a_comma_stays_one_pseudonym(owner_client, dossier):
    owner_client.post(
        url("complaint_suspects", dossier),
        {"version": "0", **blocks("suspects", {"pseudonyms": "kev, le boss\r\n@tom_75; bis\r\n"})},
    )
    assert data(dossier)["suspects"][0]["pseudonyms"] == ["kev, le boss", "@tom_75; bis"]
    page = owner_client.get(url("complaint_letter", dossier)).text
    assert "«\u202fkev, le boss\u202f» et «\u202f@tom_75; bis\u202f»" in page


# --- What happened, and the questions that decide what the letter cites --------------------------

INTIMATE = {"role": "victim", "victim_age": "adult", "acts": ["intimate_images"]}
AT_SCHOOL = {"role": "victim", "victim_age": "15_17", "acts": ["insults"]}


def test_the_persons_account_and_whether_it_happened_again_are_saved(owner_client, dossier):
    response = owner_client.post(
        url("complaint_facts", dossier),
        {"version": "0", "facts_account": "Tout a commencé en mars.", "repeated": "yes"},
    )
    assert response["Location"] == url("complaint_suspects", dossier)
    assert data(dossier)["facts_account"] == "Tout a commencé en mars."
    assert data(dossier)["repeated"] == "yes"
    letter = owner_client.get(url("complaint_letter", dossier)).text
    assert "Tout a commencé en mars." in letter and "faits répétés" in letter


def test_a_question_is_asked_only_when_the_offences_found_depend_on_it(owner_client, owner):
    with_images = make_dossier(owner, facts=INTIMATE)
    page = owner_client.get(url("complaint_facts", with_images)).text
    assert "Les images sexuelles sont-elles de vraies images de vous" in page
    assert "Certaines sont-elles truquées ou fabriquées" in page
    assert "lieu privé" not in page  # no photo or video taken of the person was declared
    without = owner_client.get(url("complaint_facts", make_dossier(owner))).text
    assert "vraies images" not in without and "Pour citer les bons articles" not in without


def test_a_confirmed_condition_is_saved_and_lets_the_letter_cite_the_offence(owner_client, owner):
    dossier = make_dossier(owner, facts=INTIMATE)
    assert "226-2-1" not in owner_client.get(url("complaint_letter", dossier)).text
    owner_client.post(
        url("complaint_facts", dossier),
        {"version": "0", "real_images": "yes", "faked_images": "no"},
    )
    assert (data(dossier)["real_images"], data(dossier)["faked_images"]) == ("yes", "no")
    letter = owner_client.get(url("complaint_letter", dossier)).text
    assert "art. 226-2-1 du Code pénal" in letter and "226-8-1" not in letter
    page = owner_client.get(url("complaint_facts", dossier)).text
    assert 'name="real_images" value="yes" id="id_real_images_0" checked>' in page


def test_the_school_question_is_asked_about_the_author_for_a_classmate_only(owner_client, owner):
    classmate = make_dossier(owner, facts={**AT_SCHOOL, "author_relation": "classmate"})
    page = owner_client.get(url("complaint_suspects", classmate)).text
    assert "Êtes-vous élève, et l’auteur étudie-t-il ou travaille-t-il" in page
    stranger = make_dossier(owner, facts={**AT_SCHOOL, "author_relation": "stranger"})
    assert "Êtes-vous élève" not in owner_client.get(url("complaint_suspects", stranger)).text


def test_for_a_child_the_questions_speak_of_the_child(owner_client, owner):
    dossier = make_dossier(
        owner, concerns=Concerns.CHILD, person_name="Inès", person_age_band="15_17",
        role=Role.PARENT, facts={**INTIMATE, "role": "guardian", "victim_age": "15_17"},
    )  # fmt: skip
    page = owner_client.get(url("complaint_facts", dossier)).text
    assert "de vraies images de l’enfant" in page


def test_witnesses_are_saved_as_a_list(owner_client, dossier):
    owner_client.post(
        url("complaint_witnesses", dossier),
        {"version": "0", **blocks("witnesses", {"name": "Noé", "contact": "06 00 00 00 00"}, {})},
    )
    assert data(dossier)["witnesses"] == [{"name": "Noé", "contact": "06 00 00 00 00"}]


TOM = {"name": "Tom L.", "pseudonyms": ["@tom_75"], "details": "élève de 3e B"}
LEA = {"name": "Léa", "pseudonyms": ["lea.b"], "details": ""}


def test_a_block_is_added_and_another_removed_in_one_save(owner_client, dossier):
    complaint.save_section(dossier, {"suspects": [TOM, LEA]}, version=0)
    page = owner_client.get(url("complaint_suspects", dossier)).text
    assert 'value="Tom L."' in page and 'value="Léa"' in page
    assert 'name="suspects-2-name"' in page and 'name="suspects-3-name"' not in page  # + 1 empty
    response = owner_client.post(
        url("complaint_suspects", dossier),
        {
            "version": "1",
            **blocks(
                "suspects",
                {"name": "", "pseudonyms": "", "details": ""},  # Tom's block, emptied
                {"name": "Léa", "pseudonyms": "lea.b"},
                {"name": "Sam", "pseudonyms": "@sam"},  # the empty block, filled
                initial=2,
            ),
            "more": "1",
        },
    )
    assert response["Location"] == url("complaint_suspects", dossier)
    assert data(dossier)["suspects"] == [
        {"name": "Léa", "pseudonyms": ["lea.b"], "details": ""},
        {"name": "Sam", "pseudonyms": ["@sam"], "details": ""},
    ]
    page = owner_client.get(url("complaint_suspects", dossier)).text
    assert "Tom L." not in page and "Auteur 3" in page and "Auteur 4" not in page


def test_a_stale_version_keeps_every_block_typed(owner_client, dossier):
    complaint.save_section(dossier, {"witnesses": [{"name": "Noé", "contact": ""}]}, version=0)
    typed = blocks(
        "witnesses",
        {"name": "Inès", "contact": "06 11 22 33 44"},
        {"name": "Jules", "contact": "jules@example.org"},
    )
    stale = owner_client.post(url("complaint_witnesses", dossier), {"version": "0", **typed})
    assert stale.status_code == 200
    assert "depuis une autre page ou un autre appareil" in stale.text
    assert 'value="Inès"' in stale.text and "06 11 22 33 44</textarea>" in stale.text
    assert 'value="Jules"' in stale.text and "jules@example.org</textarea>" in stale.text
    assert 'name="witnesses-TOTAL_FORMS" value="2"' in stale.text
    assert 'name="version" value="1"' in stale.text
    assert data(dossier)["witnesses"] == [{"name": "Noé", "contact": ""}]
    owner_client.post(url("complaint_witnesses", dossier), {"version": "1", **typed})
    assert [w["name"] for w in data(dossier)["witnesses"]] == ["Inès", "Jules"]


def test_a_bad_value_in_a_block_keeps_every_block_typed(owner_client, owner):
    dossier = make_dossier(
        owner, concerns=Concerns.CHILD, person_name="Inès", person_age_band="under_15",
        role=Role.PARENT,
    )  # fmt: skip
    response = owner_client.post(
        url("complaint_identity", dossier),
        {
            "version": "0",
            "victim_name": "Inès Martin",
            **blocks(
                "representatives",
                {"name": "Anne Martin", "phone": "06 12 34 56 78"},
                {"name": "Paul Martin", "email": "paul@"},
            ),
        },
    )
    assert response.status_code == 200
    page = response.text
    assert '<a href="#id_representatives-1-email">E-mail — Saisissez' in page
    assert 'id="id_representatives-1-email_error"' in page
    assert 'value="Anne Martin"' in page and 'value="06 12 34 56 78"' in page
    assert 'value="Paul Martin"' in page and 'value="paul@"' in page
    assert data(dossier) == {}


def test_a_form_without_its_blocks_is_refused(owner_client, dossier):
    response = owner_client.post(
        url("complaint_suspects", dossier), {"version": "0", "suspects-0-name": "Tom"}
    )
    assert response.status_code == 200 and "Ce formulaire est incomplet" in response.text
    assert data(dossier) == {}


def test_twenty_authors_at_most(owner_client, dossier):
    twenty = [{"name": f"Auteur n° {n}", "pseudonyms": [], "details": ""} for n in range(20)]
    complaint.save_section(dossier, {"suspects": twenty}, version=0)
    page = owner_client.get(url("complaint_suspects", dossier)).text
    assert 'value="Auteur n° 19"' in page and 'name="suspects-20-name"' not in page
    assert "Enregistrer et ajouter un autre auteur" not in page
    more = [{"name": f"X{n}"} for n in range(21)]
    response = owner_client.post(
        url("complaint_suspects", dossier), {"version": "1", **blocks("suspects", *more)}
    )
    assert response.status_code == 200 and len(data(dossier)["suspects"]) == 20


def test_blocks_saved_before_formsets_still_read(owner_client, owner):
    dossier = make_dossier(
        owner, concerns=Concerns.CHILD, person_name="Inès", person_age_band="under_15",
        role=Role.PARENT,
    )  # fmt: skip
    empty = dict.fromkeys(("name", "birth_date", "phone", "relationship"), "")
    stored = {
        "suspects": [{"name": "Tom", "pseudonyms": ["@tom_75", "tom.l"], "details": ""}],
        "representatives": [{**empty, "name": "Anne Martin", "birth_date": "1985-04-02"}, empty],
    }
    complaint.save_section(dossier, stored, version=0)
    page = owner_client.get(url("complaint_suspects", dossier)).text
    assert 'value="Tom"' in page and "@tom_75\ntom.l</textarea>" in page
    page = owner_client.get(url("complaint_identity", dossier)).text
    assert 'name="representatives-0-name" value="Anne Martin"' in page
    assert 'value="1985-04-02"' in page
    owner_client.post(
        url("complaint_identity", dossier),
        {
            "version": "1",
            **blocks("representatives", {"name": "Anne Martin"}, {"name": "Paul"}, initial=2),
        },
    )
    assert [r["name"] for r in data(dossier)["representatives"]] == ["Anne Martin", "Paul"]
    assert set(data(dossier)["representatives"][1]) == {
        "name", "civility", "birth_date", "birth_place", "occupation", "address", "phone",
        "email", "relationship",
    }  # fmt: skip


def test_for_a_child_the_identity_asks_for_the_child_and_two_representatives(owner_client, owner):
    dossier = make_dossier(
        owner, concerns=Concerns.CHILD, person_name="Inès", person_age_band="under_15",
        role=Role.PARENT,
    )  # fmt: skip
    page = owner_client.get(url("complaint_identity", dossier)).text
    assert "L’enfant" in page and "Représentant légal" in page
    assert "Second représentant légal (facultatif)" in page
    assert 'value="Inès"' in page  # the dossier's first name, to complete
    assert 'name="complainant_name"' not in page
    assert 'name="representatives-0-name"' in page and 'name="representatives-1-name"' in page
    owner_client.post(
        url("complaint_identity", dossier),
        {
            "version": "0",
            "victim_name": "Inès Martin",
            "victim_civility": "madame",
            "victim_birth_date": "2013-02-01",
            **blocks("representatives", {"name": "Anne Martin", "relationship": "mère"}, {}),
        },
    )
    saved = data(dossier)
    assert saved["victim"] == {
        "name": "Inès Martin",
        "civility": "madame",
        "birth_date": "2013-02-01",
    }
    assert saved["representatives"][0]["relationship"] == "mère"
    plain = complaint.to_plain(complaint.stored(dossier), minor=True)
    assert [r.name for r in plain.representatives] == ["Anne Martin"]  # the empty one dropped
    assert plain.victim.birth_date == "1er février 2013"


# --- The chronology ------------------------------------------------------------------------------


def note_data(**values) -> dict:
    return {
        "token": str(uuid.uuid4()),
        "date": "2025-03-01",
        "text": "Rumeurs au collège",
        **values,
    }


def test_a_chronology_entry_is_added_changed_and_deleted(owner_client, dossier):
    response = owner_client.post(url("complaint_notes", dossier), note_data())
    assert response["Location"] == url("complaint_notes", dossier)
    note = ChronologyNote.objects.get()
    assert "Rumeurs au collège" in owner_client.get(url("complaint_notes", dossier)).text
    edit = reverse("evidence:note_edit", args=[note.pk])
    owner_client.post(edit, {"action": "save", "date": "2025-03-02", "text": "Rumeurs"})
    note.refresh_from_db()
    assert (str(note.date), note.text) == ("2025-03-02", "Rumeurs")
    owner_client.post(edit, {"action": "delete"})
    assert not ChronologyNote.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"date": "", "text": "Rumeurs"}, "Indiquez la date, même approximative."),
        ({"date": "2999-01-01", "text": "Rumeurs"}, "Cette date est dans le futur."),
        ({"date": "2025-03-01", "text": ""}, "Écrivez ce qui s’est passé."),
    ],
)
def test_a_bad_chronology_entry_is_explained_and_kept(values, message, owner_client, dossier):
    response = owner_client.post(url("complaint_notes", dossier), note_data(**values))
    assert response.status_code == 200 and message in response.text
    assert not ChronologyNote.objects.exists()
    if values["text"]:
        assert f"{values['text']}</textarea>" in response.text


def test_an_entry_edited_with_a_bad_date_keeps_what_was_typed(owner_client, dossier):
    note = make_note(dossier)
    response = owner_client.post(
        reverse("evidence:note_edit", args=[note.pk]), {"date": "x", "text": "Nouveau texte"}
    )
    assert response.status_code == 200 and "Nouveau texte</textarea>" in response.text


# --- The letter ----------------------------------------------------------------------------------


def test_the_letter_page_shows_the_letter_an_export_would_write(owner_client, dossier):
    complaint.save_section(dossier, {"tribunal_city": "Lyon"}, version=0)
    add_image_piece(dossier, title="Menace")
    page = owner_client.get(url("complaint_letter", dossier)).text
    assert "près le tribunal judiciaire de Lyon" in page and 'lang="fr"' in page
    assert "pièce n°\u00a01" in page and "Menace" in page
    assert "Votre ancienne version" not in page  # nothing edited by hand before


def test_the_persons_own_words_are_saved_and_go_into_the_letter(owner_client, dossier):
    response = owner_client.post(
        url("complaint_letter", dossier),
        {"version": version(dossier), "letter_additions": "Je reste à votre disposition."},
    )
    assert response["Location"] == url("complaint", dossier)
    assert data(dossier)["letter_additions"] == "Je reste à votre disposition."
    page = owner_client.get(url("complaint_letter", dossier)).text
    assert page.count("Je reste à votre disposition.") == 2  # in the letter, in the field


def test_the_letter_follows_a_piece_added_after_the_persons_words(owner_client, dossier):
    add_image_piece(dossier, title="Première")
    owner_client.post(
        url("complaint_letter", dossier),
        {"version": version(dossier), "letter_additions": "Mes mots."},
    )
    add_image_piece(dossier, title="Ajoutée ensuite")
    page = owner_client.get(url("complaint_letter", dossier)).text
    assert "2 pièces, numérotées" in page and "Ajoutée ensuite" in page


def test_words_that_are_too_long_are_refused_and_kept(owner_client, dossier):
    text = "a" * 5001
    response = owner_client.post(
        url("complaint_letter", dossier), {"version": version(dossier), "letter_additions": text}
    )
    assert response.status_code == 200 and 'aria-invalid="true"' in response.text
    assert text in response.text
    assert "letter_additions" not in data(dossier)


def test_a_letter_edited_by_hand_before_is_shown_until_deleted(owner_client, dossier):
    complaint.save_section(dossier, {}, version=0)
    Complaint.objects.update_or_create(
        dossier=dossier, defaults={"letter_text": "Ma lettre d’avant."}
    )
    assert "Votre ancienne version vous attend" in owner_client.get(url("complaint", dossier)).text
    page = owner_client.get(url("complaint_letter", dossier)).text
    assert "Ma lettre d’avant.</textarea>" in page and "n’est pas exportée" in page
    owner_client.post(url("complaint_letter", dossier), {"action": "forget"})
    assert complaint.stored(dossier).letter_text == ""
    assert "Ma lettre d’avant." not in owner_client.get(url("complaint_letter", dossier)).text


def test_for_an_adult_helped_by_someone_the_form_asks_for_their_details(owner_client, owner):
    dossier = make_dossier(
        owner, concerns=Concerns.OTHER, person_name="Sam", person_age_band="adult",
        role=Role.HELPER,
    )  # fmt: skip
    page = owner_client.get(url("complaint_identity", dossier)).text
    assert "La personne qui porte plainte" in page and "Vous, qui portez plainte" not in page
    assert 'autocomplete="name"' not in page  # not the helper's own name
