"""Dossiers: several per person, each saying whom it concerns; started by hand or from the
guidance plan (the facts the questionnaire left in the session)."""

import re
import uuid

import pytest
from django.urls import reverse

from evidence.models import Dossier
from tests.evidence.factories import make_dossier

pytestmark = pytest.mark.django_db

START = reverse("evidence:start_from_plan")


def create(client, url=None, **fields):
    data = {
        "token": str(uuid.uuid4()),
        "title": "Pour Inès",
        "concerns": "child",
        "person_name": "Inès",
        "person_age_band": "under_15",
        "role": "parent",
        **fields,
    }
    return client.post(url or reverse("evidence:dossier_create"), data)


def test_a_parent_holds_a_dossier_for_each_child(owner, owner_client):
    create(owner_client, title="Inès")
    create(owner_client, title="Noé", person_name="Noé", person_age_band="15_17")
    assert sorted(d.person_name for d in owner.dossiers.all()) == ["Inès", "Noé"]


def test_a_dossier_for_a_child_needs_their_name(owner_client):
    response = create(owner_client, person_name="")
    assert "Écrivez son prénom ou un pseudo" in response.text
    assert not Dossier.objects.exists()


def test_a_child_in_ones_care_is_a_minor(owner_client):
    response = create(owner_client, person_age_band="adult")
    assert "a moins de 18 ans" in response.text


def test_a_dossier_about_oneself_keeps_no_other_name(owner_client):
    create(owner_client, concerns="self", person_name="Inès")
    assert Dossier.objects.get().person_name == ""


def test_the_same_form_sent_twice_makes_one_dossier(owner_client):
    token = str(uuid.uuid4())
    first = create(owner_client, token=token)
    second = create(owner_client, token=token)
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_creating_starts_the_custody_log(owner_client):
    create(owner_client)
    event = Dossier.objects.get().events.get()
    assert event.payload["action"] == "dossier_created"
    assert event.payload["record"]["person_name"] == "Inès"


def test_editing_the_dossier_is_logged(owner, owner_client):
    dossier = make_dossier(owner)
    owner_client.post(
        reverse("evidence:dossier_edit", args=[dossier.pk]),
        {"title": "Snapchat", "concerns": "self", "role": "victim"},
    )
    changes = dossier.events.get(seq=2).payload["changes"]
    assert changes == {"title": {"old": "Instagram", "new": "Snapchat"}}


# From the guidance plan


def test_start_from_plan_needs_a_login_then_comes_back(client):
    response = client.get(START)
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


def test_start_from_plan_fills_the_form_from_the_facts(owner_client):
    session = owner_client.session
    session["guidance_facts"] = {
        "role": "guardian",
        "victim_age": "15_17",
        "acts": ["insults", "threats"],
        "platforms": ["snapchat"],
        "first_seen": "2025-03-01",
        "several_authors": "yes",
    }
    session.save()
    page = owner_client.get(START).text
    assert re.search(r'name="concerns" value="child"[^>]* checked', page)
    assert re.search(r'name="person_age_band" value="15_17"[^>]* checked', page)
    assert "Des menaces" in page and "Snapchat" in page
    response = create(owner_client, START)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.facts["acts"] == ["insults", "threats"]
    assert dossier.facts["platforms"] == ["snapchat"]
    detail = owner_client.get(response["Location"]).text
    assert "D’après votre plan" in detail


def test_start_from_plan_without_facts_shows_the_plain_form(owner_client):
    response = owner_client.get(START)
    assert response.status_code == 200
    assert "Commencer un dossier" in response.text


def test_start_from_plan_ignores_bad_facts(owner_client):
    session = owner_client.session
    session["guidance_facts"] = {"role": "alien", "acts": ["insults", "nonsense"], "x": 1}
    session.save()
    assert owner_client.get(START).status_code == 200
    create(owner_client, START)
    assert Dossier.objects.get().facts == {}


def test_the_plans_button_may_post_without_the_forms_fields(owner_client):
    response = owner_client.post(START)
    assert response.status_code == 200
    assert not Dossier.objects.exists()


def test_the_add_piece_form_starts_from_the_plans_platform(owner, owner_client):
    dossier = make_dossier(owner, facts={"platforms": ["tiktok"]})
    page = owner_client.get(reverse("evidence:piece_add", args=[dossier.pk])).text
    assert '<option value="tiktok" selected>' in page


def test_a_dossier_of_many_pieces_shows_them_a_page_at_a_time(owner_client, dossier):
    from evidence.models import Kind
    from evidence.vault import services as vault
    from tests.evidence.factories import piece_fields

    for number in range(30):
        vault.add_piece(
            dossier, dossier.owner, piece_fields(kind=Kind.LINK, title=f"Lien {number + 1}")
        )
    url = reverse("evidence:dossier_detail", args=[dossier.pk])
    first = owner_client.get(url).text
    assert "Pièces 1 à 25 sur 30" in first and "Lien 25" in first and "Lien 26" not in first
    assert "sur 30" in first.split("readiness-count")[1][:200]  # readiness counts all 30
    second = owner_client.get(url + "?page=2").text
    assert "Pièces 26 à 30 sur 30" in second and "Lien 26" in second
    assert owner_client.get(url + "?page=99").status_code == 200  # the last page, not an error
