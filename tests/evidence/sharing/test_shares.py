"""Read-only shares for a lawyer, an association or an investigator: a link and an access code,
no account; what they show, the custody log of each opening, revoking and expiry, wrong codes
throttled like passwords, and pages no search engine keeps."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evidence.models import CodeFailure, Sensitivity, Share, ShareContent
from evidence.sharing import shares
from evidence.vault.custody import Action
from tests.evidence.factories import add_image_piece, make_dossier, stored_export
from tests.evidence.sharing.factories import make_share, shared_url, unlocked_client

pytestmark = pytest.mark.django_db

EVIDENCE_URL = "https://www.instagram.com/p/abc/"


@pytest.fixture
def dossier(owner):
    dossier = make_dossier(owner, title="Instagram, le compte @tom_75")
    add_image_piece(dossier)
    return dossier


def events(dossier, action) -> list[dict]:
    return [e.payload for e in dossier.events.order_by("seq") if e.payload["action"] == action]


# --- Making one ----------------------------------------------------------------------------------


def test_the_owner_makes_a_share_for_seven_days_by_default_with_a_link_and_a_code(
    owner_client, dossier
):
    page = owner_client.get(reverse("evidence:shares", args=[dossier.pk])).text
    assert re.search(r'<input[^>]*name="days" value="7"[^>]*checked>', page)
    data = {"token": str(uuid.uuid4()), "shows": "pieces", "days": "7", "recipient": "Me Martin"}
    response = owner_client.post(reverse("evidence:shares", args=[dossier.pk]), data)
    share = Share.objects.get()
    assert response["Location"] == reverse("evidence:share_detail", args=[share.pk])
    assert abs(share.expires_at - share.created_at - dt.timedelta(days=7)) < dt.timedelta(seconds=1)
    detail = owner_client.get(response["Location"]).text
    assert re.search(r'id="share-code">[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}<', detail)
    assert f"http://testserver/consulter/{share.token}/" in detail
    (made,) = events(dossier, Action.SHARE_MADE)
    assert (made["share"], made["shows"]) == (str(share.pk), "pieces")
    assert "Martin" not in str(made)  # the recipient's name is the owner's to read only


def test_shares_are_limited_per_person_per_day(owner_client, dossier, settings):
    settings.SHARING_SHARES_PER_DAY = 1
    url = reverse("evidence:shares", args=[dossier.pk])
    owner_client.post(url, {"token": str(uuid.uuid4()), "shows": "pieces", "days": "7"})
    response = owner_client.post(
        url, {"token": str(uuid.uuid4()), "shows": "export", "days": "3", "recipient": "Me Martin"}
    )
    assert response.status_code == 200
    assert "beaucoup de partages aujourd’hui" in response.text
    assert 'value="Me Martin"' in response.text
    assert Share.objects.count() == 1


# --- Opening it ----------------------------------------------------------------------------------


def test_the_link_alone_asks_for_the_code_and_shows_nothing(client, dossier):
    made = make_share(dossier)
    page = client.get(shared_url(made)).text
    assert 'name="code"' in page
    for secret in ("Il me menace.", "Instagram, le compte", "lea_75", EVIDENCE_URL):
        assert secret not in page


def test_the_right_code_opens_the_pieces_read_only_with_no_link_out(client, dossier):
    made = make_share(dossier)
    unlocked_client(made, client)
    page = client.get(shared_url(made)).text
    assert "Il me menace." in page and "tu vas voir demain" in page
    assert "Copie en lecture seule" in page
    assert EVIDENCE_URL in page and f'href="{EVIDENCE_URL}' not in page
    assert not re.search(r'href="https?://', page)  # nothing links out of the site
    assert "/modifier/" not in page and "/supprimer/" not in page
    assert "Instagram, le compte" not in page  # the dossier's own name stays the owner's


def test_every_answer_of_a_share_tells_search_engines_to_keep_nothing(client, dossier):
    made = make_share(dossier)
    file = dossier.pieces.get().files.get()
    answers = [client.get(shared_url(made))]
    unlocked_client(made, client)
    answers += [
        client.get(shared_url(made)),
        client.get(shared_url(made, "shared_thumbnail", file_id=file.pk)),
        client.get(shared_url(made, "shared_original", file_id=file.pk)),
        client.get(reverse("evidence:shared", kwargs={"token": "x" * 43})),  # unknown: 404
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 404]
    assert all(answer["X-Robots-Tag"] == "noindex, nofollow" for answer in answers)
    assert '<meta name="robots" content="noindex, nofollow">' in answers[1].text


def test_the_page_says_it_is_not_the_victims_device_and_keeps_the_quick_exit(client, dossier):
    made = make_share(dossier)
    page = client.get(shared_url(made)).text
    assert "destinée à la personne avec qui il a été partagé" in page
    assert 'href="/sortie/"' in page and "Quitter vite" in page


def test_the_quick_exit_locks_the_share_again(client, dossier):
    made = make_share(dossier)
    unlocked_client(made, client)
    client.get(reverse("quick_exit"))
    assert 'name="code"' in client.get(shared_url(made)).text


def test_an_intimate_image_is_not_shown_in_a_share_but_its_original_can_be_downloaded(
    client, owner
):
    dossier = make_dossier(owner)
    piece = add_image_piece(dossier, sensitivity=Sensitivity.ADULT, intimate_consent=True)
    file = piece.files.get()
    made = make_share(dossier)
    unlocked_client(made, client)
    page = client.get(shared_url(made)).text
    assert "Image intime" in page and "/affichage/" not in page
    assert client.get(shared_url(made, "shared_display", file_id=file.pk)).status_code == 404
    assert client.get(shared_url(made, "shared_original", file_id=file.pk)).status_code == 200


def test_a_share_reaches_no_file_of_another_dossier(client, dossier, owner):
    other = add_image_piece(make_dossier(owner, title="Un autre"))
    made = make_share(dossier)
    unlocked_client(made, client)
    url = shared_url(made, "shared_original", file_id=other.files.get().pk)
    assert client.get(url).status_code == 404


# --- What it shows -------------------------------------------------------------------------------


def test_an_export_share_gives_the_last_exports_pdf_and_package(client, dossier):
    stored_export(dossier, pdf=b"%PDF-1.7 old\n%%EOF\n")
    latest = stored_export(dossier, pdf=b"%PDF-1.7 new\n%%EOF\n")
    made = make_share(dossier, ShareContent.EXPORT)
    unlocked_client(made, client)
    page = client.get(shared_url(made)).text
    assert latest.pdf_sha256 in page and latest.package_sha256 in page
    assert "Il me menace." not in page  # not the pieces: the export
    pdf = client.get(shared_url(made, "shared_pdf"))
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 new\n%%EOF\n"
    assert client.get(shared_url(made, "shared_zip")).status_code == 200


def test_a_package_share_gives_the_package_only(client, dossier):
    stored_export(dossier)
    made = make_share(dossier, ShareContent.PACKAGE)
    unlocked_client(made, client)
    assert "/pdf/" not in client.get(shared_url(made)).text
    assert client.get(shared_url(made, "shared_pdf")).status_code == 404
    assert client.get(shared_url(made, "shared_zip")).status_code == 200
    file = dossier.pieces.get().files.get()
    assert client.get(shared_url(made, "shared_original", file_id=file.pk)).status_code == 404


def test_an_export_share_before_any_export_says_so(client, dossier):
    made = make_share(dossier, ShareContent.EXPORT)
    unlocked_client(made, client)
    assert "pas encore été exporté" in client.get(shared_url(made)).text
    assert client.get(shared_url(made, "shared_zip")).status_code == 404


# --- The custody log, and the owner's view of it -------------------------------------------------


def test_each_opening_and_download_is_in_the_custody_log_and_shown_to_the_owner(
    client, owner_client, dossier
):
    made = make_share(dossier)
    file = dossier.pieces.get().files.get()
    unlocked_client(made, client)
    client.get(shared_url(made, "shared_original", file_id=file.pk))
    opened, downloaded = (
        events(dossier, Action.SHARE_OPENED),
        events(dossier, Action.SHARE_DOWNLOADED),
    )
    assert opened[0]["by"] == {"user": "", "role": "recipient", "share": str(made.share.pk)}
    assert (downloaded[0]["what"], downloaded[0]["piece"]) == ("original", 1)
    assert "127.0.0.1" not in str(opened) + str(downloaded)
    page = owner_client.get(reverse("evidence:share_detail", args=[made.share.pk])).text
    assert "Partage en lecture seule ouvert avec son code" in page
    assert "Téléchargé par un partage en lecture seule (original, pièce 1)" in page
    log = owner_client.get(reverse("evidence:custody_log", args=[dossier.pk])).text
    assert "par le destinataire d’un partage en lecture seule" in log


# --- Ending it -----------------------------------------------------------------------------------


def test_revoking_ends_it_at_the_next_request_and_is_an_event(client, owner_client, dossier):
    made = make_share(dossier)
    unlocked_client(made, client)
    owner_client.post(reverse("evidence:share_revoke", args=[made.share.pk]))
    response = client.get(shared_url(made))
    assert response.status_code == 404 and "ne fonctionne plus" in response.text
    (revoked,) = events(dossier, Action.SHARE_REVOKED)
    assert revoked["share"] == str(made.share.pk)
    made.share.refresh_from_db()
    assert (made.share.token, made.share.code, made.share.token_digest) == ("", "", "")


def test_expiry_ends_it(client, dossier):
    made = make_share(dossier, days=1)
    unlocked_client(made, client)
    Share.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(shared_url(made)).status_code == 404
    assert shares.forget_ended() == 1


# --- Wrong codes ---------------------------------------------------------------------------------


def test_wrong_codes_are_throttled_like_passwords_for_that_share_and_address(client, dossier):
    made = make_share(dossier)
    for _ in range(5):
        response = client.post(shared_url(made), {"code": "ZZZZ-ZZZZ-ZZZZ"})
        assert "Ce n’est pas le code d’accès" in response.text
    response = client.post(shared_url(made), {"code": made.code})
    assert response.status_code == 429 and "Trop de codes erronés" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not events(dossier, Action.SHARE_OPENED)
    # From another address, its recipient still opens it: the link's finder locks no one out.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(shared_url(made), {"code": made.code}).status_code == 302


def test_a_right_code_clears_the_failures_of_that_share_and_address(client, dossier):
    made = make_share(dossier)
    for _ in range(4):
        client.post(shared_url(made), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    client.post(shared_url(made), {"code": made.code})
    assert CodeFailure.objects.count() == 4  # the address's own count stays, for an hour
