"""Importing a WhatsApp export through the views: the question about its photos first, then the
file sealed as a piece of its own (in every package), then its messages to choose from (ticked,
a whole day, one person's), each a piece of kind "message" with its author, its exact time and
its text "read from the chat export". Bad files get a clear, translated refusal and leave
nothing behind; nothing is ever made twice."""

from __future__ import annotations

import codecs
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.typography import typography as fr
from evidence.models import ChatImport, CustodyEvent, EvidenceFile, Kind, Piece, Source
from evidence.sealing import sealed_files
from evidence.vault import timeline, verification
from tests.evidence.factories import stored_files
from tests.evidence.intake import corpus
from tests.evidence.intake.test_chat_archives import (
    bomb,
    corrupted_member,
    encrypted,
    truncated,
    zipped,
)

pytestmark = pytest.mark.django_db

CHAT = (
    "13/11/2026 18:02 - Les messages et les appels sont chiffrés de bout en bout.\n"
    "13/11/2026 18:02 - Lucas: Vous avez vu la photo de Zoé ? 😂\n"
    "13/11/2026 18:03 - Inès: Trop drôle, elle ressemble à rien\n"
    "13/11/2026 18:05 - Zoé: Arrêtez, c’est pas marrant\n"
    "13/11/2026 18:06 - Lucas: Personne t’a demandé ton avis\n"
    "14/11/2026 08:10 - Théo: Demain à la récré on s’occupe d’elle\n"
    "14/11/2026 08:11 - Lucas: IMG-20261114-WA0003.jpg (fichier joint)\n"
    "regarde ça\n"
)
NAME = "Discussion WhatsApp avec 3e B.txt"


@pytest.fixture
def no_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def start(client, dossier, sensitivity: str = "no") -> ChatImport:
    token = str(uuid.uuid4())
    response = client.post(
        reverse("evidence:chat_start", args=[dossier.pk]),
        {"token": token, "sensitivity": sensitivity},
    )
    assert response.status_code == 302
    return ChatImport.objects.get(token=token)


def send(client, chat: ChatImport, data: bytes, name: str = NAME):
    upload = SimpleUploadedFile(name, data, content_type="text/plain")
    return client.post(
        reverse("evidence:chat_file", args=[chat.pk]),
        {"token": str(uuid.uuid4()), "export": upload},
    )


def imported(client, dossier, data: bytes = CHAT.encode(), **options) -> ChatImport:
    chat = start(client, dossier, **options)
    response = send(client, chat, data)
    assert response.status_code == 302, response.text
    chat.refresh_from_db()
    return chat


def choose(client, chat: ChatImport, **data):
    return client.post(reverse("evidence:chat_messages", args=[chat.pk]), data)


def test_the_question_comes_before_the_file(owner_client, dossier):
    page = owner_client.get(reverse("evidence:chat_start", args=[dossier.pk])).text
    assert 'name="sensitivity"' in page and 'type="file"' not in page


def test_the_export_is_sealed_as_received_as_a_piece_of_its_own(owner_client, dossier):
    chat = imported(owner_client, dossier)
    export = chat.piece
    assert (export.number, export.kind, export.platform) == (1, Kind.CHAT, "whatsapp")
    assert export.title == "3e B"
    assert "7 messages" in export.description
    file = export.files.get()
    assert sealed_files.read(file.storage_name) == CHAT.encode()  # byte for byte
    assert (file.original_name, file.mime_type) == (NAME, "text/plain")
    assert export.provenance["title"] == Source.CHAT_EXPORT
    assert CustodyEvent.objects.filter(payload__action="piece_added").count() == 1
    assert verification.verify(dossier).ok


def test_the_messages_are_listed_with_their_authors_and_times(owner_client, dossier):
    chat = imported(owner_client, dossier)
    page = owner_client.get(reverse("evidence:chat_messages", args=[chat.pk])).text
    assert "Personne t’a demandé ton avis" in page
    assert "18:06" in page and "Lucas" in page
    assert "L’application elle-même" in page  # WhatsApp's own line, told apart
    assert "vendredi 13 novembre 2026" in page


def test_ticked_messages_become_message_pieces_read_from_the_export(owner_client, dossier):
    chat = imported(owner_client, dossier)
    response = choose(owner_client, chat, message=["5"])
    assert response.status_code == 302
    piece = Piece.objects.get(number=2)
    assert piece.kind == Kind.TEXT
    assert (piece.author_displayed, piece.platform) == ("Lucas", "whatsapp")
    assert piece.transcript == "Personne t’a demandé ton avis"
    assert piece.published_raw == "13/11/2026 18:06"
    assert piece.published_is_absolute and str(piece.published_time) == "18:06:00"
    assert "pièce n° 1" in piece.context
    for name in ("author_displayed", "published_raw", "transcript", "platform"):
        assert piece.provenance[name] == Source.CHAT_EXPORT
    detail = owner_client.get(reverse("evidence:piece_detail", args=[piece.pk])).text
    assert "lu dans l’export de la discussion" in detail
    assert verification.verify(dossier).ok


def test_one_persons_messages_become_pieces_in_one_go(owner_client, dossier):
    chat = imported(owner_client, dossier)
    response = choose(owner_client, chat, author="Lucas")
    page = owner_client.get(response["Location"]).text
    assert "3 messages ajoutés comme pièces n° 2 à 4." in page
    authors = [piece.author_displayed for piece in Piece.objects.filter(kind=Kind.TEXT)]
    assert authors == ["Lucas"] * 3


def test_a_whole_day_becomes_pieces_and_the_timeline_counts_them(owner_client, dossier):
    chat = imported(owner_client, dossier)
    choose(owner_client, chat, day="2026-11-13")
    messages = Piece.objects.filter(kind=Kind.TEXT)
    assert messages.count() == 5  # WhatsApp's own line included: it is in the day
    found = timeline.build(dossier.pieces.all())
    (day,) = found.days
    assert (str(day.date), day.messages, len(day.authors)) == ("2026-11-13", 5, 3)
    page = owner_client.get(reverse("evidence:timeline", args=[dossier.pk])).text
    assert "dont 5 messages" in page


def test_a_message_is_never_made_a_piece_twice(owner_client, dossier):
    chat = imported(owner_client, dossier)
    choose(owner_client, chat, message=["2", "3"])
    response = choose(owner_client, chat, day="2026-11-13")
    assert Piece.objects.filter(kind=Kind.TEXT).count() == 5
    page = owner_client.get(response["Location"]).text
    assert fr("2 messages étaient déjà des pièces : ils n’ont pas été ajoutés deux fois.") in page
    again = choose(owner_client, chat, message=["2"])  # Back, then the same form again
    assert Piece.objects.filter(kind=Kind.TEXT).count() == 5 and again.status_code == 302


def test_a_message_deleted_as_a_piece_can_be_chosen_again(owner_client, dossier):
    from evidence.vault import services as vault

    chat = imported(owner_client, dossier)
    choose(owner_client, chat, message=["2"])
    vault.delete_piece(Piece.objects.get(number=2), dossier.owner)
    choose(owner_client, chat, message=["2"])
    assert Piece.objects.filter(kind=Kind.TEXT).count() == 1


def test_too_many_messages_at_once_are_refused_with_a_reason(owner_client, dossier, settings):
    settings.EVIDENCE_MAX_MESSAGES_PER_CHOICE = 2
    chat = imported(owner_client, dossier)
    response = choose(owner_client, chat, author="Lucas")
    assert Piece.objects.filter(kind=Kind.TEXT).count() == 0
    assert "au plus peuvent être ajoutés à la fois" in owner_client.get(response["Location"]).text


def test_choosing_nothing_says_what_to_do(owner_client, dossier):
    chat = imported(owner_client, dossier)
    response = choose(owner_client, chat)
    page = owner_client.get(response["Location"]).text
    assert "Cochez les messages à ajouter" in page


# --- Media ---------------------------------------------------------------------------------------


def archive_with_photo() -> bytes:
    return zipped({NAME: CHAT.encode(), "IMG-20261114-WA0003.jpg": corpus.sideways_jpeg_with_gps()})


def test_an_archive_is_kept_whole_and_a_chosen_messages_photo_becomes_its_file(
    owner_client, dossier, no_worker
):
    data = archive_with_photo()
    chat = imported(owner_client, dossier, data)
    export = chat.piece.files.get()
    assert export.mime_type == "application/zip"
    assert sealed_files.read(export.storage_name) == data
    choose(owner_client, chat, message=["7"])
    piece = Piece.objects.get(number=2)
    (photo,) = piece.files.all()
    assert photo.original_name == "IMG-20261114-WA0003.jpg"
    assert sealed_files.read(photo.storage_name) == corpus.sideways_jpeg_with_gps()
    assert piece.transcript.startswith("IMG-20261114-WA0003.jpg (fichier joint)")
    assert verification.verify(dossier).ok


@pytest.mark.parametrize("answer", ["minor", "unsure"])
def test_for_a_minor_or_in_doubt_no_photo_of_the_archive_is_kept(
    owner_client, dossier, answer, no_worker
):
    chat = imported(owner_client, dossier, archive_with_photo(), sensitivity=answer)
    export = chat.piece.files.get()
    assert export.mime_type == "text/plain"  # the conversation alone, not the archive
    assert sealed_files.read(export.storage_name) == CHAT.encode()
    assert not chat.media_kept
    choose(owner_client, chat, message=["7"])
    piece = Piece.objects.get(number=2)
    assert piece.files.count() == 0 and piece.files_withheld
    assert len(stored_files()) == 1  # the text only


def test_the_photos_of_an_archive_are_not_even_read_when_withheld(
    owner_client, dossier, monkeypatch
):
    from evidence.intake.chats import files

    opened = []
    real_read = files.Archive.read

    def watching(self, name, limit):
        opened.append(name)
        return real_read(self, name, limit)

    monkeypatch.setattr(files.Archive, "read", watching)
    imported(owner_client, dossier, archive_with_photo(), sensitivity="minor")
    assert opened and all(name.endswith(".txt") for name in opened)


# --- Bad input ---------------------------------------------------------------------------------


def hundred_thousand_lines() -> bytes:
    lines = [f"13/11/2026 18:{n % 60:02d} - Lucas: message {n}" for n in range(100_000)]
    return ("\n".join(lines) + "\n").encode()


def mixed_encodings() -> bytes:
    return (
        "13/11/2026 18:02 - Lucas: t’es nul\n".encode()
        + "13/11/2026 18:03 - Inès: arrête\n".encode("latin-1")
    )


REFUSED = {
    "a zip bomb": (bomb, "bien plus de place qu’une conversation"),
    "a truncated archive": (truncated, "abîmée ou incomplète"),
    "a corrupted member": (corrupted_member, "abîmée ou incomplète"),
    "a password": (encrypted, "protégée par un mot de passe"),
    "an unknown format": (lambda: b"Bonjour, ceci n'est pas un export.\n", "ne reconnaissons pas"),
    "an image": (corpus.small_png, "ne reconnaissons pas"),
    "an archive of no conversation": (
        lambda: zipped({"photo.jpg": corpus.small_png()}),
        "ne reconnaissons pas",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_export_gets_a_clear_refusal_and_leaves_nothing(owner_client, dossier, case):
    make, said = REFUSED[case]
    chat = start(owner_client, dossier)
    response = send(owner_client, chat, make())
    assert response.status_code == 200
    assert said in response.text
    assert "choisissez à nouveau le fichier" in response.text
    assert stored_files() == [] and Piece.objects.count() == 0 and EvidenceFile.objects.count() == 0


def test_an_export_too_large_is_refused_before_anything_is_kept(owner_client, dossier, settings):
    settings.EVIDENCE_MAX_CHAT_BYTES = 1_000
    chat = start(owner_client, dossier)
    response = send(owner_client, chat, CHAT.encode() * 10)
    assert response.status_code == 200 and "trop lourd" in response.text
    assert stored_files() == [] and Piece.objects.count() == 0


def test_a_hundred_thousand_line_chat_is_imported_and_listed_a_page_at_a_time(
    owner_client, dossier
):
    chat = imported(owner_client, dossier, hundred_thousand_lines())
    assert len(chat.messages) == 100_000
    page = owner_client.get(reverse("evidence:chat_messages", args=[chat.pk])).text
    assert "Messages 1 à 200 sur 100000" in page
    assert page.count('name="message"') == 200


def test_a_file_of_mixed_encodings_is_imported_and_says_so(owner_client, dossier):
    chat = imported(owner_client, dossier, mixed_encodings())
    page = owner_client.get(reverse("evidence:chat_messages", args=[chat.pk])).text
    assert "arrête" in page  # read as Latin-1 where it was
    assert "Western European" not in page and "Latin-1" in page


def test_an_export_in_utf16_with_a_bom_is_read(owner_client, dossier):
    chat = imported(owner_client, dossier, codecs.BOM_UTF16_LE + CHAT.encode("utf-16-le"))
    assert len(chat.messages) == 7


def test_the_same_export_sent_again_is_the_same_piece(owner_client, dossier):
    chat = imported(owner_client, dossier)
    again = send(owner_client, chat, CHAT.encode())
    assert again.status_code == 302
    assert Piece.objects.count() == 1 and len(stored_files()) == 1


def test_a_stranger_reaches_no_step_of_an_import(stranger_client, owner_client, dossier):
    chat = imported(owner_client, dossier)
    for name in ("chat_file", "chat_messages"):
        assert stranger_client.get(reverse(f"evidence:{name}", args=[chat.pk])).status_code == 404
    assert choose(stranger_client, chat, author="Lucas").status_code == 404
    assert Piece.objects.count() == 1


def test_deleting_the_exports_piece_erases_what_was_read_of_it(owner_client, dossier):
    from evidence.vault import services as vault

    chat = imported(owner_client, dossier)
    vault.delete_piece(chat.piece, dossier.owner)
    assert not ChatImport.objects.filter(pk=chat.pk).exists()


def test_messages_ticked_after_the_session_ended_are_ticked_again_after_logging_in(
    client, owner, owner_client, dossier
):
    chat = imported(owner_client, dossier)
    url = reverse("evidence:chat_messages", args=[chat.pk])
    response = client.post(url, {"message": ["3", "5"]})  # logged out meanwhile
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    assert Piece.objects.filter(kind=Kind.TEXT).count() == 0
    client.force_login(owner)
    page = client.get(url).text
    assert 'value="3" id="message-3" aria-describedby="text-3" checked' in page
    assert 'value="5" id="message-5" aria-describedby="text-5" checked' in page
    assert 'value="4" id="message-4" aria-describedby="text-4" checked' not in page


def test_the_exports_piece_leads_back_to_its_messages(owner_client, dossier):
    chat = imported(owner_client, dossier)
    page = owner_client.get(reverse("evidence:piece_detail", args=[chat.piece.pk])).text
    assert "Choisir des messages de cette conversation" in page
    assert reverse("evidence:chat_messages", args=[chat.pk]) in page
