"""What a person typed about what happened is encrypted at rest, column by column, and reads
back in clear through the models only (evidence/sealing/fields.py)."""

import base64
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from evidence.complaint import services as complaint
from evidence.models import ChronologyNote, Complaint, EvidenceFile, Piece
from evidence.sealing import crypto
from evidence.sealing.fields import Sealed, unreadable
from evidence.vault import custody, verification
from tests.evidence.factories import add_image_piece, make_dossier, make_note

pytestmark = pytest.mark.django_db

# What a victim types, each text distinct so that it can be looked for in the raw database.
TYPED = {
    "title": "Menace de Tom",
    "url": "https://www.instagram.com/p/menace-lina/",
    "author_displayed": "@tom_le_harceleur",
    "author_profile_url": "https://www.instagram.com/tom_le_harceleur/",
    "target": "Lina Martin",
    "description": "Il publie mon adresse",
    "transcript": "on sait où tu habites",
    "context": "après la fête du collège",
    "platform_reference": "IG-REF-554411",
    "pharos_reference": "PHAROS-778899",
    "reference_3018": "3018-112233",
}
IDENTITY = {
    "complainant": {
        "first_name": "Lina",
        "last_name": "Martinez-Duval",
        "birth_date": "2009-04-17",
        "address": "12 rue des Lilas, 69003 Lyon",
        "phone": "06 12 34 56 78",
    },
    "suspects": [{"name": "Tom Bernardin", "pseudonyms": ["@tom_le_harceleur"], "details": ""}],
}
LETTER = "Madame la procureure, je porte plainte contre Tom Bernardin."
NOTE = "Tom m'a attendue devant le gymnase"


@pytest.fixture
def typed_dossier(owner):
    dossier = make_dossier(owner)
    add_image_piece(
        dossier,
        name="snap_tom_bernardin.png",
        **TYPED,
        reported_to_platform=True,
        reported_to_pharos=True,
        reported_to_3018=True,
    )
    complaint.save_section(dossier, IDENTITY, version=0)
    complaint.save_letter(dossier, LETTER, "", version=1)
    make_note(dossier, text=NOTE)
    return dossier


def _raw_database() -> str:
    """Every value of every row of every table, as the database holds it."""
    with connection.cursor() as cursor:
        rows = []
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


def _secrets() -> list[str]:
    identity = IDENTITY["complainant"]
    return [
        *TYPED.values(),
        "snap_tom_bernardin",
        *identity.values(),
        "Tom Bernardin",
        LETTER,
        NOTE,
    ]


def test_the_raw_database_holds_none_of_what_was_typed(typed_dossier):
    raw = _raw_database()
    assert [secret for secret in _secrets() if secret in raw] == []


def test_what_was_typed_reads_back_in_clear_through_the_models(typed_dossier):
    piece = Piece.objects.get()
    assert {name: getattr(piece, name) for name in TYPED} == TYPED
    assert EvidenceFile.objects.get().original_name == "snap_tom_bernardin.png"
    stored = Complaint.objects.get()
    assert stored.data["complainant"] == IDENTITY["complainant"]
    assert stored.letter_text == LETTER
    assert ChronologyNote.objects.get().text == NOTE


def test_each_column_holds_the_keyrings_envelope(typed_dossier):
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, transcript FROM evidence_piece")
        for text in cursor.fetchone():
            assert base64.urlsafe_b64decode(text).startswith(crypto.MAGIC)


def test_the_custody_log_still_seals_the_values_in_clear_as_commitments(typed_dossier):
    piece = Piece.objects.get()
    assert custody.piece_values(piece)["description"] == TYPED["description"]
    assert verification.verify(typed_dossier).ok


def test_a_value_moved_to_another_row_does_not_open(owner):
    dossier = make_dossier(owner)
    first = add_image_piece(dossier, description="la première")
    second = add_image_piece(dossier, description="la seconde")
    moved = Piece.objects.filter(pk=first.pk).values_list("description", flat=True).get()
    Piece.objects.filter(pk=second.pk).update(description=moved)
    second = Piece.objects.get(pk=second.pk)
    assert second.description == "" and unreadable(second) == ["description"]


def test_a_value_moved_to_another_column_does_not_open(typed_dossier):
    moved = Piece.objects.values_list("transcript", flat=True).get()
    Piece.objects.update(description=moved)
    assert unreadable(Piece.objects.get()) == ["description"]


def test_saving_a_row_keeps_a_value_that_does_not_open_as_it_was_found(typed_dossier):
    moved = Piece.objects.values_list("transcript", flat=True).get()
    Piece.objects.update(description=moved)
    piece = Piece.objects.get()
    piece.title = "Un autre titre"
    piece.save()
    assert Piece.objects.values_list("description", flat=True).get() == moved
    assert Piece.objects.get().title == "Un autre titre"


def test_an_encrypted_column_cannot_be_searched_or_written_in_sql(typed_dossier):
    with pytest.raises(TypeError, match="Piece.description is encrypted"):
        list(Piece.objects.filter(description=TYPED["description"]))
    with pytest.raises(TypeError, match="ChronologyNote.text is encrypted"):
        ChronologyNote.objects.update(text="réécrit")


def test_values_read_around_the_models_refuse_to_be_shown(typed_dossier):
    value = Piece.objects.values_list("description", flat=True).get()
    assert isinstance(value, Sealed)
    with pytest.raises(TypeError):
        str(value)


def test_forms_still_check_lengths_and_links():
    from django import forms

    assert Piece._meta.get_field("title").formfield().max_length == 120
    field = Piece._meta.get_field("url").formfield(assume_scheme="https")
    assert isinstance(field, forms.URLField) and field.max_length == 2000


# Key rotation


def _rotate(settings) -> str:
    old_key = settings.EVIDENCE_ENCRYPTION_KEYS.split(",")[0]
    new_key = crypto.encode_key(crypto.generate_key())
    settings.EVIDENCE_ENCRYPTION_KEYS = f"{new_key},{old_key}"
    out = StringIO()
    call_command("evidence", "rotate-key", stdout=out)
    settings.EVIDENCE_ENCRYPTION_KEYS = new_key  # the old key dropped
    return out.getvalue()


def test_rotate_key_reencrypts_the_texts_too(typed_dossier, settings):
    output = _rotate(settings)
    assert "Re-encrypted the texts of 4 rows with the current key (0 already were)" in output
    test_what_was_typed_reads_back_in_clear_through_the_models(typed_dossier)
    assert verification.verify(typed_dossier).ok


def test_rotate_key_twice_leaves_the_texts_as_they_are(typed_dossier):
    out = StringIO()
    call_command("evidence", "rotate-key", stdout=out)
    output = out.getvalue()
    assert "Re-encrypted the texts of 0 rows with the current key (4 already were)" in output


def test_without_rotation_dropping_the_old_key_leaves_texts_that_do_not_open(
    typed_dossier, settings
):
    settings.EVIDENCE_ENCRYPTION_KEYS = crypto.encode_key(crypto.generate_key())
    with translation.override("en"):
        problems = [str(problem) for problem in verification.verify(typed_dossier).problems]
    assert "Piece 1: “description” no longer opens: it was altered in the database." in problems
    assert "The complaint no longer opens: it was altered in the database." in problems
