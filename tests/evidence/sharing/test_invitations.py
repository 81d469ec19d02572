"""Helpers: inviting by a link or a code, joining, what a helper may and may not see, removing
them, and the limits on invitations and on wrong codes."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evidence.models import CodeFailure, Concerns, Helper, Invitation, Role
from evidence.sharing import codes, invitations, throttling
from evidence.vault.custody import Action
from tests.evidence.factories import PASSWORD, add_image_piece, form_data, make_dossier
from tests.evidence.intake import corpus
from tests.evidence.sharing.factories import (
    add_helper,
    add_piece_as,
    invitation_link,
    invite,
    logged_in,
)

pytestmark = pytest.mark.django_db

TITLE = "Instagram, le compte @tom_75"


@pytest.fixture
def dossier(owner):
    return make_dossier(owner, title=TITLE)


@pytest.fixture
def friend(django_user_model):
    return django_user_model.objects.create_user("ami_de_lea", password=PASSWORD)


@pytest.fixture
def friend_client(friend):
    return logged_in(friend)


def events(dossier, action) -> list[dict]:
    return [e.payload for e in dossier.events.order_by("seq") if e.payload["action"] == action]


def invite_through_the_page(owner_client, dossier, **fields):
    data = {"token": str(uuid.uuid4()), "role": Role.HELPER, **fields}
    response = owner_client.post(reverse("evidence:invite", args=[dossier.pk]), data)
    assert response.status_code == 302, response.content
    return Invitation.objects.get(dossier=dossier, submission_token=data["token"]), response


# --- Inviting ------------------------------------------------------------------------------------


def test_the_owner_invites_and_sees_a_link_and_a_twelve_character_code(owner_client, dossier):
    invitation, response = invite_through_the_page(owner_client, dossier)
    page = owner_client.get(response["Location"]).text
    code = re.search(r'id="invitation-code">([^<]+)<', page).group(1)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    link = re.search(r'id="invitation-link">([^<]+)<', page).group(1)
    assert link == "http://testserver" + invitation_link(invitation)
    assert "48" in owner_client.get(reverse("evidence:invite", args=[dossier.pk])).text


def test_the_invite_form_says_plainly_what_a_helper_may_always_do_and_what_not(
    owner_client, dossier
):
    page = owner_client.get(reverse("evidence:invite", args=[dossier.pk])).text
    assert "ajouter des pièces et des entrées de la chronologie" in page
    for choice in ("can_edit", "can_delete", "can_see_complaint", "can_export", "can_invite"):
        assert f'value="{choice}"' in page
    assert "checked" not in page.split('name="also"')[1].split("</fieldset>")[0]  # none by default


def test_the_same_invite_form_sent_twice_makes_one_invitation(owner_client, dossier):
    data = {"token": str(uuid.uuid4()), "role": Role.PARENT}
    url = reverse("evidence:invite", args=[dossier.pk])
    first, second = owner_client.post(url, data), owner_client.post(url, data)
    assert first["Location"] == second["Location"]
    assert Invitation.objects.count() == 1


def test_invitations_are_limited_per_person_per_day_and_the_choices_are_kept(
    owner_client, dossier, settings
):
    settings.SHARING_INVITATIONS_PER_DAY = 2
    for _ in range(2):
        invite_through_the_page(owner_client, dossier)
    response = owner_client.post(
        reverse("evidence:invite", args=[dossier.pk]),
        {"token": str(uuid.uuid4()), "role": Role.PARENT, "also": ["can_export"]},
    )
    assert response.status_code == 200
    assert "beaucoup d’invitations aujourd’hui" in response.text
    assert 'value="can_export" checked' in response.text.replace('" id="id_also_3"', '"')
    assert Invitation.objects.count() == 2


def test_an_invitation_is_an_event_of_the_custody_log(owner, dossier):
    made = invite(dossier, role=Role.PARENT, can_export=True)
    (event,) = events(dossier, Action.INVITATION_MADE)
    assert event["invitation"] == str(made.invitation.pk)
    assert (event["role"], event["permissions"]) == ("parent", ["can_export"])
    assert made.invitation.code not in str(event) and made.invitation.token not in str(event)


def test_the_link_and_the_code_are_never_stored_in_clear(dossier):
    from django.db import connection

    made = invite(dossier)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM evidence_invitation")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert made.invitation.token not in row and made.invitation.code not in row


def test_codes_have_60_random_bits_and_links_256():
    drawn = {codes.new_code() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(len(code) == 12 and set(code) <= set(codes.ALPHABET) for code in drawn)
    assert len(codes.ALPHABET) == 32 and codes.CODE_BITS == 60
    assert set("".join(drawn)) == set(codes.ALPHABET)  # every symbol is used
    token = codes.new_token()
    assert codes.TOKEN_BITS == 256 and len(token) == 43 and len(token) > 3 * 12


def test_a_code_reads_as_typed_in_small_letters_with_spaces_or_dashes():
    assert codes.normalised(" 7kq2 m9xd-4htb ") == "7KQ2M9XD4HTB"
    assert codes.normalised("O1IL") == "0111"  # O as 0, I and L as 1


# --- The link, signed out: nothing about the dossier or its owner --------------------------------


def _without_csrf(text: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_an_invitation_link_tells_a_signed_out_visitor_nothing(client, dossier):
    made = invite(dossier, role=Role.PARENT, can_export=True)
    valid = client.get(invitation_link(made.invitation))
    unknown = client.get(reverse("evidence:join", kwargs={"token": codes.new_token()}))
    assert valid.status_code == unknown.status_code == 200
    page = valid.text
    for secret in (TITLE, "lea_75", "parent", "Exporter"):
        assert secret not in page
    other_token = unknown.wsgi_request.path.split("/")[-2]
    assert _without_csrf(page).replace(made.invitation.token, "T") == _without_csrf(
        unknown.text
    ).replace(other_token, "T")
    assert "?next=" in page  # log in or sign up, then back to the invitation


def test_signed_in_the_link_says_what_joining_means_but_not_the_dossier(friend_client, dossier):
    made = invite(dossier, role=Role.PARENT, can_edit=True)
    page = friend_client.get(invitation_link(made.invitation)).text
    assert "Modifier les pièces et les entrées de la chronologie" in page
    assert "parent ou responsable légal" in page
    assert "Supprimer" not in page
    assert TITLE not in page and "lea_75" not in page
    assert Helper.objects.count() == 0  # opening it joins nothing


def test_signing_up_from_the_link_comes_back_to_the_invitation(client, dossier):
    made = invite(dossier)
    link = invitation_link(made.invitation)
    response = client.post(
        f"{reverse('accounts:signup')}?next={link}",
        {
            "token": str(uuid.uuid4()),
            "username": "nouvelle_aide",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": link,
        },
    )
    assert f'href="{link}"' in response.text  # "I have saved my codes" leads back to it
    assert client.post(link).status_code == 302
    assert Helper.objects.get().user.username == "nouvelle_aide"


# --- Joining -------------------------------------------------------------------------------------


def test_joining_by_the_link_lets_them_in_with_the_chosen_rights(friend, friend_client, dossier):
    made = invite(dossier, role=Role.PARENT, can_edit=True)
    response = friend_client.post(invitation_link(made.invitation))
    assert response["Location"] == reverse("evidence:dossier_detail", args=[dossier.pk])
    helper = Helper.objects.get()
    assert (helper.user, helper.role, helper.can_edit, helper.can_delete) == (
        friend,
        "parent",
        True,
        False,
    )
    assert TITLE in friend_client.get(response["Location"]).text
    (joined,) = events(dossier, Action.HELPER_JOINED)
    assert joined["by"] == {"user": "ami_de_lea", "role": "parent", "helper": True}


def test_joining_twice_with_the_same_link_is_harmless(friend_client, dossier):
    link = invitation_link(invite(dossier).invitation)
    friend_client.post(link)
    again = friend_client.post(link)
    assert again["Location"] == reverse("evidence:dossier_detail", args=[dossier.pk])
    assert Helper.objects.count() == 1
    assert len(events(dossier, Action.HELPER_JOINED)) == 1


def test_an_invitation_works_once(friend_client, stranger_client, dossier):
    link = invitation_link(invite(dossier).invitation)
    friend_client.post(link)
    for method in ("get", "post"):
        response = getattr(stranger_client, method)(link)
        assert response.status_code == 404
        assert "n’est plus valable" in response.text
    assert Helper.objects.count() == 1


def test_an_invitation_expires_after_48_hours(friend_client, dossier, settings):
    made = invite(dossier)
    lifetime = made.invitation.expires_at - made.invitation.created_at
    assert abs(lifetime - dt.timedelta(hours=48)) < dt.timedelta(seconds=1)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert friend_client.post(invitation_link(made.invitation)).status_code == 404
    assert Helper.objects.count() == 0


def test_a_withdrawn_invitation_no_longer_works_and_the_log_says_so(
    owner_client, friend_client, dossier
):
    made = invite(dossier)
    link, code = invitation_link(made.invitation), made.invitation.code
    owner_client.post(reverse("evidence:invitation_withdraw", args=[made.invitation.pk]))
    assert friend_client.post(link).status_code == 404
    response = friend_client.post(reverse("evidence:join_with_code"), {"code": code})
    assert "Ce code ne fonctionne pas" in response.text
    assert len(events(dossier, Action.INVITATION_WITHDRAWN)) == 1
    invitation = Invitation.objects.get()
    assert (invitation.token, invitation.code, invitation.code_digest) == ("", "", "")


def test_the_owner_opening_their_own_link_is_told_to_give_it(owner_client, dossier):
    made = invite(dossier)
    response = owner_client.get(invitation_link(made.invitation), follow=True)
    assert "votre propre invitation" in response.text
    assert Helper.objects.count() == 0


def test_joining_by_code_works_in_small_letters_with_spaces(friend_client, dossier):
    made = invite(dossier)
    typed = " ".join(made.invitation.code.lower()[i : i + 3] for i in range(0, 12, 3))
    response = friend_client.post(reverse("evidence:join_with_code"), {"code": typed})
    assert response["Location"] == invitation_link(made.invitation)
    friend_client.post(response["Location"])
    assert Helper.objects.count() == 1


def test_a_code_typed_before_signing_in_is_kept_until_then(client, friend, dossier):
    made = invite(dossier)
    response = client.post(reverse("evidence:join_with_code"), {"code": made.invitation.code})
    assert response["Location"].startswith(reverse("accounts:login"))
    client.post(
        response["Location"],
        {"username": "ami_de_lea", "password": PASSWORD, "next": "/rejoindre/"},
    )
    page = client.get(reverse("evidence:join_with_code")).text
    assert codes.shown(made.invitation.code) in page


def test_a_malformed_code_is_explained_and_not_counted(friend_client):
    response = friend_client.post(reverse("evidence:join_with_code"), {"code": "1234"})
    assert "12 lettres et chiffres" in response.text
    assert CodeFailure.objects.count() == 0


def test_the_home_and_the_account_pages_have_the_code_box(client, friend_client):
    for page in (client.get(reverse("home")), friend_client.get(reverse("accounts:account"))):
        assert "J’ai été invité·e sur un dossier" in page.text
        assert f'action="{reverse("evidence:join_with_code")}"' in page.text


# --- Wrong codes are throttled like passwords ----------------------------------------------------


def wrong(client) -> int:
    return client.post(reverse("evidence:join_with_code"), {"code": "ZZZZ-ZZZZ-ZZZZ"}).status_code


def test_five_wrong_codes_make_an_account_wait_even_with_the_right_one(friend_client, dossier):
    made = invite(dossier)
    assert [wrong(friend_client) for _ in range(5)] == [200] * 5
    response = friend_client.post(
        reverse("evidence:join_with_code"), {"code": made.invitation.code}
    )
    assert response.status_code == 429
    assert "Trop de codes erronés" in response.text and "15 minutes" in response.text


def test_the_wait_ends_with_the_window(friend_client, dossier):
    made = invite(dossier)
    for _ in range(5):
        wrong(friend_client)
    CodeFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    response = friend_client.post(
        reverse("evidence:join_with_code"), {"code": made.invitation.code}
    )
    assert response.status_code == 302


def test_new_accounts_from_one_address_are_throttled_together(django_user_model, dossier):
    clients = [
        logged_in(django_user_model.objects.create_user(f"essai_{n}", password=PASSWORD))
        for n in range(5)
    ]
    statuses = [wrong(clients[n % 5]) for n in range(throttling.ADDRESS_LIMIT + 1)]
    assert statuses[: throttling.ADDRESS_LIMIT] == [200] * throttling.ADDRESS_LIMIT
    assert statuses[-1] == 429


def test_no_address_or_account_is_kept_in_clear_nor_past_the_window(friend_client):
    wrong(friend_client)
    keys = " ".join(CodeFailure.objects.values_list("key", flat=True))
    assert "127.0.0.1" not in keys and "ami_de_lea" not in keys
    CodeFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=61))
    throttling.purge()
    assert CodeFailure.objects.count() == 0


# --- What a helper sees, and what not ------------------------------------------------------------


@pytest.fixture
def planned(owner):
    facts = {"role": "victim", "victim_age": "15_17", "acts": ["threats"], "platforms": ["x"]}
    dossier = make_dossier(owner, title=TITLE, facts=facts)
    add_image_piece(dossier)
    return dossier


def test_a_helper_sees_the_pieces_but_not_the_plan_the_complaint_the_exports_nor_the_log(
    friend, friend_client, planned
):
    add_helper(planned, friend)
    page = friend_client.get(reverse("evidence:dossier_detail", args=[planned.pk])).text
    assert "Pièce 1" in page and "Ajouter une pièce" in page
    hidden_ones = (
        "D’après votre plan", "Préparer la plainte", "Exporter le dossier",
        "Journal de conservation", "Effacer ce dossier", "Personnes sur ce dossier",
    )  # fmt: skip
    for hidden in hidden_ones:
        assert hidden not in page, hidden
    assert "Quitter ce dossier" in page


def test_a_helper_allowed_to_export_sees_the_exports_but_not_the_complaint(
    friend, friend_client, planned
):
    add_helper(planned, friend, can_export=True)
    page = friend_client.get(reverse("evidence:dossier_detail", args=[planned.pk])).text
    assert "Exporter le dossier" in page and "Préparer la plainte" not in page
    start = friend_client.get(reverse("evidence:export_start", args=[planned.pk])).text
    assert "Ce qui manque encore dans la lettre" not in start


def test_a_helper_sees_no_other_helpers_pseudonym(friend, friend_client, owner, planned, stranger):
    add_helper(planned, friend)
    add_helper(planned, stranger)
    piece = add_piece_as(planned, stranger)
    page = friend_client.get(reverse("evidence:piece_detail", args=[piece.pk])).text
    assert "inconnu" not in page
    assert "Une autre personne qui aide sur ce dossier" in page


def test_the_piece_page_says_a_helper_added_it_and_when(owner_client, friend, planned):
    add_helper(planned, friend, role=Role.PARENT)
    piece = add_piece_as(planned, friend)
    page = owner_client.get(reverse("evidence:piece_detail", args=[piece.pk])).text
    assert "ami_de_lea, personne qui aide sur ce dossier (parent ou responsable légal), le" in page


def test_a_helper_adds_a_piece_from_their_own_phone_as_the_role_given(friend, friend_client, owner):
    """A parent's dossier about their child, the child as helper: the child adds a screenshot."""
    dossier = make_dossier(owner, concerns=Concerns.CHILD, role=Role.PARENT, person_name="Inès")
    add_helper(dossier, friend, role=Role.VICTIM)
    form = friend_client.get(reverse("evidence:piece_add", args=[dossier.pk])).text
    assert re.search(r'<input[^>]*name="added_by_role" value="victim"[^>]*checked>', form)
    data = form_data(added_by_role="victim")
    data["files"] = SimpleUploadedFile("capture.png", corpus.small_png(), "image/png")
    response = friend_client.post(reverse("evidence:piece_add", args=[dossier.pk]), data)
    assert response.status_code == 302
    (added,) = events(dossier, Action.PIECE_ADDED)
    assert added["by"] == {"user": "ami_de_lea", "role": "victim", "helper": True}


def test_a_teens_dossier_with_a_parent_as_helper_records_the_parent_as_such(owner, friend):
    dossier = make_dossier(owner, role=Role.VICTIM)
    add_helper(dossier, friend, role=Role.PARENT)
    add_image_piece(dossier)  # by the teen
    add_piece_as(dossier, friend)  # by the parent
    first, second = events(dossier, Action.PIECE_ADDED)
    assert first["by"] == {"user": "lea_75", "role": "victim"}
    assert second["by"] == {"user": "ami_de_lea", "role": "parent", "helper": True}


def test_a_helper_without_the_right_cannot_delete_a_chronology_entry(friend, friend_client, owner):
    from tests.evidence.factories import make_note

    dossier = make_dossier(owner)
    note = make_note(dossier)
    add_helper(dossier, friend, can_edit=True)
    url = reverse("evidence:note_edit", args=[note.pk])
    assert "Supprimer ce fait" not in friend_client.get(url).text
    assert friend_client.post(url, {"action": "delete"}).status_code == 404
    assert dossier.notes.count() == 1


def test_a_helper_adds_a_chronology_entry_and_the_log_says_who(friend, friend_client, owner):
    dossier = make_dossier(owner)
    add_helper(dossier, friend)
    url = reverse("evidence:complaint_notes", args=[dossier.pk])
    page = friend_client.get(url).text
    # No way to the complaint from there.
    assert f'href="{reverse("evidence:complaint", args=[dossier.pk])}"' not in page
    response = friend_client.post(
        url, {"token": str(uuid.uuid4()), "date": "2025-03-01", "text": "Une rumeur au collège"}
    )
    assert response.status_code == 302
    (added,) = events(dossier, Action.NOTE_ADDED)
    assert added["by"]["helper"] is True and "rumeur" not in str(added)


# --- Inviting as a helper ------------------------------------------------------------------------


def test_a_helper_cannot_give_more_than_they_have(friend, friend_client, owner):
    dossier = make_dossier(owner)
    add_helper(dossier, friend, can_invite=True)
    page = friend_client.get(reverse("evidence:invite", args=[dossier.pk])).text
    assert 'value="can_invite"' in page and 'value="can_export"' not in page
    response = friend_client.post(
        reverse("evidence:invite", args=[dossier.pk]),
        {"token": str(uuid.uuid4()), "role": Role.HELPER, "also": ["can_export", "can_invite"]},
    )
    assert response.status_code == 200  # not a choice offered: said so, nothing made
    made = invite(dossier, by=friend, can_export=True, can_invite=True)
    assert (made.invitation.can_export, made.invitation.can_invite) == (False, True)


def test_removing_a_helper_withdraws_the_invitations_they_made(friend, owner):
    dossier = make_dossier(owner)
    helper = add_helper(dossier, friend, can_invite=True)
    made = invite(dossier, by=friend)
    invitations.remove(helper, owner)
    made.invitation.refresh_from_db()
    assert made.invitation.withdrawn_at is not None
    assert not invitations.is_usable(made.invitation)


# --- The owner's people page, changing and removing ----------------------------------------------


def test_the_people_page_shows_each_helper_their_rights_and_what_they_did(
    owner_client, friend, planned
):
    add_helper(planned, friend, role=Role.PARENT, can_export=True)
    add_piece_as(planned, friend)
    page = owner_client.get(reverse("evidence:people", args=[planned.pk])).text
    assert "ami_de_lea" in page and "Parent ou responsable légal" in page
    assert "exporter le dossier et télécharger ses exports" in page
    assert "Pièce ajoutée — pièce 2" in page


def test_changing_what_a_helper_may_do_applies_at_their_next_page(
    owner_client, friend, friend_client, planned
):
    helper = add_helper(planned, friend, can_see_complaint=True)
    complaint = reverse("evidence:complaint", args=[planned.pk])
    assert friend_client.get(complaint).status_code == 200
    owner_client.post(
        reverse("evidence:helper_edit", args=[helper.pk]), {"role": Role.HELPER, "also": []}
    )
    assert friend_client.get(complaint).status_code == 404
    (changed,) = events(planned, Action.HELPER_CHANGED)
    assert (changed["helper"], changed["permissions"]) == ("ami_de_lea", [])


def test_removing_a_helper_ends_their_access_at_their_next_request(
    owner_client, friend, friend_client, planned
):
    helper = add_helper(planned, friend)
    page = reverse("evidence:dossier_detail", args=[planned.pk])
    assert friend_client.get(page).status_code == 200
    response = owner_client.post(reverse("evidence:helper_remove", args=[helper.pk]))
    assert response.status_code == 302
    assert friend_client.get(page).status_code == 404
    (removed,) = events(planned, Action.HELPER_REMOVED)
    assert removed["helper"] == "ami_de_lea" and removed["by"]["user"] == "lea_75"
    people = owner_client.get(reverse("evidence:people", args=[planned.pk])).text
    assert "Ne sont plus sur le dossier" in people and "retirée" in people


def test_a_helper_can_leave_and_the_owner_sees_it(friend, friend_client, owner, planned):
    add_helper(planned, friend)
    friend_client.post(reverse("evidence:leave", args=[planned.pk]))
    assert Helper.objects.count() == 0
    (left,) = events(planned, Action.HELPER_LEFT)
    assert left["by"] == {"user": "ami_de_lea", "role": "helper", "helper": True}


def test_the_quick_exit_ends_a_helpers_session_too(friend, planned):
    add_helper(planned, friend)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "ami_de_lea", "password": PASSWORD})
    page = reverse("evidence:dossier_detail", args=[planned.pk])
    assert client.get(page).status_code == 200
    client.get(reverse("quick_exit"))
    assert client.get(page).status_code == 302  # to the login page


def test_erasing_the_dossier_erases_its_helpers_invitations_and_shares(owner, friend):
    from evidence.models import Share
    from evidence.vault import services as vault
    from tests.evidence.sharing.factories import make_share

    dossier = make_dossier(owner)
    add_helper(dossier, friend)
    invite(dossier)
    make_share(dossier)
    vault.erase_dossier(dossier)
    assert (Helper.objects.count(), Invitation.objects.count(), Share.objects.count()) == (0, 0, 0)


def test_the_worker_empties_the_secrets_of_expired_invitations(dossier):
    made = invite(dossier)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert invitations.forget_ended() == 1
    made.invitation.refresh_from_db()
    assert (made.invitation.token, made.invitation.code) == ("", "")
    assert (made.invitation.token_digest, made.invitation.code_digest) == ("", "")


def test_a_helper_allowed_to_invite_sees_and_withdraws_their_own_invitation_only(
    friend, friend_client, owner
):
    dossier = make_dossier(owner)
    add_helper(dossier, friend, can_invite=True)
    mine = invite(dossier, by=friend).invitation
    theirs = invite(dossier).invitation
    page = friend_client.get(reverse("evidence:invitation_detail", args=[mine.pk]))
    assert page.status_code == 200 and codes.shown(mine.code) in page.text
    assert "Personnes sur ce dossier" not in page.text  # the owner's page, not theirs
    assert (
        friend_client.get(reverse("evidence:invitation_detail", args=[theirs.pk])).status_code
        == 404
    )
    friend_client.post(reverse("evidence:invitation_withdraw", args=[mine.pk]))
    (withdrawn,) = events(dossier, Action.INVITATION_WITHDRAWN)
    assert withdrawn["by"]["helper"] is True


def test_the_owners_custody_log_says_which_events_a_helper_made(owner_client, friend, owner):
    dossier = make_dossier(owner)
    add_helper(dossier, friend, role=Role.PARENT)
    add_piece_as(dossier, friend)
    page = owner_client.get(reverse("evidence:custody_log", args=[dossier.pk])).text
    assert "par ami_de_lea (parent ou responsable légal, personne qui aide)" in page


def test_a_helper_not_allowed_to_export_is_told_the_dossier_was_altered_but_not_of_exports(
    friend, friend_client, owner_client, planned
):
    from evidence.models import IntegrityCheck

    add_helper(planned, friend)
    head = planned.events.order_by("-seq").first().hash
    problem = "L’archive de l’export du 30 novembre a été modifiée."
    IntegrityCheck.objects.update_or_create(
        dossier=planned,
        defaults={
            "checked_at": timezone.now(),
            "ok": False,
            "head_hash": head,
            "problems": {"fr": [problem], "en": [problem]},
        },  # fmt: skip
    )
    url = reverse("evidence:dossier_detail", args=[planned.pk])
    helper_page, owner_page = friend_client.get(url).text, owner_client.get(url).text
    assert "Altéré" in helper_page and problem not in helper_page
    assert problem in owner_page
