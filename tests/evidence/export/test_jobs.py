"""The real export, through the real models, the export view and the downloads: the PDF holds
the letter's elements, every piece and the originals' fingerprints; the ZIP verifies offline
and fails naming the file once an original changes; the export is a custody event with both
hashes and the dossier still verifies after it."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from functools import cache
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image, ImageDraw

from common.pdf import RestrictedFetcher, render_pdf
from evidence.complaint import services as complaint
from evidence.export import jobs as exports
from evidence.export.document.collect import collect
from evidence.export.document.render import dossier_html
from evidence.models import Complaint, Concerns, Export, ExportStatus, Role, Sensitivity
from evidence.sealing import sealed_files, signing
from evidence.vault import services as vault
from evidence.vault import verification
from evidence.vault.custody import Action
from tests.evidence.factories import add_image_piece, make_dossier, make_note, stored_files

pytestmark = pytest.mark.django_db

PIECES = 3


@cache
def screenshot(number: int) -> bytes:
    """A phone screenshot made now, different for each number (so are the fingerprints)."""
    image = Image.new("RGB", (390, 844), (255, 255 - number * 20, 255))
    draw = ImageDraw.Draw(image)
    for line in range(12):
        draw.text((20, 60 + line * 50), f"message {number}.{line} : t'es nulle", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def add_pieces(dossier, count: int = PIECES) -> None:
    for number in range(1, count + 1):
        add_image_piece(
            dossier,
            data=screenshot(number),
            name=f"IMG_{number:04d}.PNG",
            title=f"Insulte en commentaire n° {number}",
            published_raw=f"1{number}/03/2025 22:47",
        )


def save(dossier, **values) -> None:
    complaint.save_section(dossier, values, version=complaint.stored(dossier).version)


ADULT = {
    "complainant": {
        "name": "Camille Durand",
        "birth_date": "1998-05-12",
        "birth_place": "Nantes",
        "address": "8 quai de la Fosse, 44000 Nantes",
        "phone": "06 12 34 56 78",
        "email": "camille@example.org",
    },
    "witnesses": [{"name": "Noé Bernard", "contact": "noe@example.org"}],
    "harm": {"health": "angoisses, perte d'appétit", "sleep": "insomnies"},
    "tribunal_city": "Nantes",
    "tribunal_basis": "facts",
    "partie_civile": True,
    "place": "Nantes",
}


@dataclass
class Exported:
    dossier: object
    export: Export
    pdf: bytes
    zip: bytes
    text: str


def pdftotext(pdf: bytes, folder) -> str:
    path = folder / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # One space for any run of spaces, no-break spaces (French typography) and line ends; the
    # straight apostrophe for the typographic one: phrases can then be searched as typed.
    return re.sub(r"[ \n\u00a0\u202f]+", " ", out).replace("’", "'")


def chapter(text: str, title: str, following: str) -> str:
    """A chapter's text (its title also appears in the table of contents, before it)."""
    start = text.rindex(title)
    return text[start : text.index(following, start)]


def export_through_the_views(client, dossier, tmp_path) -> Exported:
    response = client.post(
        reverse("evidence:export_start", args=[dossier.pk]), {"token": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    export = Export.objects.get(dossier=dossier, status=ExportStatus.DONE)
    assert response["Location"] == reverse("evidence:export_detail", args=[export.pk])
    pdf = b"".join(client.get(reverse("evidence:export_pdf", args=[export.pk])))
    zip_bytes = b"".join(client.get(reverse("evidence:export_zip", args=[export.pk])))
    return Exported(dossier, export, pdf, zip_bytes, pdftotext(pdf, tmp_path))


@pytest.fixture
def exported(owner, owner_client, tmp_path) -> Exported:
    dossier = make_dossier(owner, title="Instagram")
    add_pieces(dossier)
    save(dossier, **ADULT)
    make_note(dossier, text="Première rumeur au collège")
    return export_through_the_views(owner_client, dossier, tmp_path)


# --- The PDF ---------------------------------------------------------------------------------


def test_the_pdf_holds_every_element_the_complaint_letter_needs(exported):
    for element in (
        "Madame, Monsieur le procureur de la République",
        "près le tribunal judiciaire de Nantes",
        "Camille Durand, né(e) le 12 mai 1998 à Nantes",  # état civil (Madame or Monsieur unsaid)
        "8 quai de la Fosse, 44000 Nantes (06 12 34 56 78, camille@example.org)",  # contact
        "le 1er mars 2025 : Première rumeur au collège",  # the account, dated
        "(pièce n° 1)",
        "plainte contre X",  # no known author
        "Noé Bernard, noe@example.org",  # witnesses
        "insomnies",  # the harm
        "Je déclare me constituer partie civile",
        "Fait à Nantes, le",
        "Signature : Camille Durand",
    ):
        assert element in exported.text, element
    assert "à compléter" not in chapter(exported.text, "1. Lettre au", "2. Exposé des faits")


def test_the_pdf_gives_every_piece_its_page_and_the_bordereau_lists_each(exported):
    bordereau = chapter(exported.text, "5. Bordereau de pièces", "6. Les pièces")
    for number in range(1, PIECES + 1):
        assert f"{number} Insulte en commentaire n° {number}" in bordereau
        assert f"Pièce n° {number} — Insulte en commentaire n° {number}" in exported.text
        assert f"pièce n° {number} : Insulte en commentaire n° {number}" in exported.text


def test_the_hashes_in_the_pdf_are_those_sha256sum_gives_for_the_originals_in_the_zip(
    exported, tmp_path
):
    folder = tmp_path / "package"
    zipfile.ZipFile(io.BytesIO(exported.zip)).extractall(folder)
    originals = sorted((folder / "pieces").iterdir())
    assert len(originals) == PIECES
    out = subprocess.run(
        ["sha256sum", *[path.name for path in originals]],
        cwd=folder / "pieces",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sums = dict(reversed(line.split("  ")) for line in out.splitlines())
    for number in range(1, PIECES + 1):
        digest = sums[f"piece-{number:03d}-1.png"]
        assert digest == hashlib.sha256(screenshot(number)).hexdigest()  # byte for byte
        assert digest in exported.text


def test_qpdf_finds_the_exported_pdf_valid(exported, tmp_path):
    path = tmp_path / "dossier.pdf"
    path.write_bytes(exported.pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_zip_holds_the_pdf_that_was_downloaded(exported):
    archive = zipfile.ZipFile(io.BytesIO(exported.zip))
    assert archive.read("dossier.pdf") == exported.pdf
    assert hashlib.sha256(exported.pdf).hexdigest() == exported.export.pdf_sha256
    assert hashlib.sha256(exported.zip).hexdigest() == exported.export.package_sha256
    assert len(exported.zip) == exported.export.package_size


def test_the_law_section_comes_from_the_facts_of_the_plan(owner, owner_client, tmp_path):
    facts = {"role": "victim", "victim_age": "15_17", "acts": ["insults"]}
    dossier = make_dossier(owner, facts=facts)
    add_pieces(dossier, 2)  # on two days: repeated
    text = export_through_the_views(owner_client, dossier, tmp_path).text
    law = chapter(text, "3. Ce que dit la loi", "4. Le préjudice")
    assert "222-33-2-2" in law and "Harcèlement moral" in law
    assert "Circonstances aggravantes retenues : victime mineure" in law
    assert "harcèlement moral, dont le cyberharcèlement (art. 222-33-2-2 du Code pénal)" in text


def test_a_single_act_is_not_called_harassment_in_the_law_section(owner, owner_client, tmp_path):
    facts = {"role": "victim", "victim_age": "adult", "acts": ["insults"], "visibility": "private"}
    dossier = make_dossier(owner, facts=facts)
    add_pieces(dossier, 1)
    text = export_through_the_views(owner_client, dossier, tmp_path).text
    law = chapter(text, "3. Ce que dit la loi", "4. Le préjudice")
    assert "222-33-2-2" not in law and "R621-1 et R621-2" in law
    assert "injure et diffamation non publiques (art. R621-1 et R621-2 du Code pénal)" in text


@pytest.mark.parametrize("facts", [{}, {"role": "nobody"}, {"acts": ["insults"]}])
def test_empty_or_invalid_facts_leave_the_law_section_without_offences(facts, owner, now):
    dossier = make_dossier(owner, facts=facts)
    assert collect(dossier, now=now).offences == ()


@pytest.fixture
def now():
    from django.utils import timezone

    return timezone.now()


# --- Who files, against whom ------------------------------------------------------------------


def test_a_minors_dossier_names_the_child_and_the_representatives(owner, owner_client, tmp_path):
    dossier = make_dossier(
        owner,
        concerns=Concerns.CHILD,
        person_name="Léa",
        person_age_band="15_17",
        role=Role.PARENT,
    )
    add_pieces(dossier, 1)
    save(
        dossier,
        victim={"name": "Léa Martin", "birth_date": "2011-03-03"},
        representatives=[
            {"name": "Anne Martin", "relationship": "mère", "address": "3 rue des Lilas, Lyon"},
            {"name": "Paul Martin", "relationship": "père", "address": "3 rue des Lilas, Lyon"},
        ],
    )
    text = export_through_the_views(owner_client, dossier, tmp_path).text
    assert "Nous soussignés, Anne Martin (mère)" in text and "et Paul Martin (père)" in text
    # The child's form was not said: the neutral one, for the child only.
    assert "représentants légaux de Léa Martin, né(e) le 3 mars 2011, mineur(e)" in text
    assert "Signatures : Anne Martin et Paul Martin" in text
    assert "Plainte déposée par Anne Martin (mère) et Paul Martin (père)" in text  # the cover
    assert "Au nom de Léa Martin, mineur(e)" in text


def test_a_teenager_filing_for_themself_is_a_minor_too(owner):
    dossier = make_dossier(owner, facts={"role": "victim", "victim_age": "under_15"})
    assert dossier.is_about_a_minor
    assert not make_dossier(owner, facts={"role": "victim", "victim_age": "adult"}).is_about_a_minor


def test_known_authors_are_named_with_every_pseudonym(owner, owner_client, tmp_path):
    dossier = make_dossier(owner)
    save(
        dossier,
        suspects=[
            {"name": "Kevin L.", "pseudonyms": ["harceleur_42", "kev.l"], "details": ""},
            {"name": "", "pseudonyms": ["@anonyme_99"], "details": "élève de 3e B"},
        ],
    )
    text = export_through_the_views(owner_client, dossier, tmp_path).text
    assert "Kevin L., utilisant les pseudonymes « harceleur_42 » et « kev.l »" in text
    assert "une personne non identifiée, utilisant le pseudonyme « @anonyme_99 »" in text
    assert "contre X" not in text


def letter_count(text: str) -> int:
    letter = chapter(text, "1. Lettre au procureur", "2. Exposé des faits")
    return int(re.search(r"Je joins à la présente plainte (\d+) pièces?", letter).group(1))


def test_a_piece_added_after_the_letter_was_written_is_in_the_next_export(
    owner, owner_client, tmp_path
):
    dossier = make_dossier(owner)
    add_pieces(dossier, 2)
    save(dossier, **ADULT, letter_additions="Je reste à votre disposition.")
    first = export_through_the_views(owner_client, dossier, tmp_path)
    assert letter_count(first.text) == 2
    add_image_piece(dossier, data=screenshot(3), title="Ajoutée après la lettre")
    Export.objects.all().delete()
    second = export_through_the_views(owner_client, dossier, tmp_path).text
    bordereau = chapter(second, "5. Bordereau de pièces", "6. Les pièces")
    assert letter_count(second) == 3 == len(re.findall(r"\b[123] (?:Insulte|Ajoutée)", bordereau))
    assert "pièce n° 3 : Ajoutée après la lettre" in second
    assert "Je reste à votre disposition." in second  # the person's words, still there


def test_a_letter_edited_by_hand_before_is_never_exported(owner, owner_client, tmp_path):
    dossier = make_dossier(owner)
    complaint.save_section(dossier, ADULT, version=0)
    Complaint.objects.update_or_create(
        dossier=dossier, defaults={"letter_text": "8 pièce(s) jointes"}
    )
    text = export_through_the_views(owner_client, dossier, tmp_path).text
    assert "8 pièce(s)" not in text
    assert "Je soussigné(e), Camille Durand" in text


def test_a_date_shown_without_its_time_is_not_given_a_time(owner, owner_client, tmp_path):
    dossier = make_dossier(owner)
    add_image_piece(dossier, data=screenshot(1), published_raw="14/03/2025")
    text = export_through_the_views(owner_client, dossier, tmp_path).text
    assert "Publié le 14 mars 2025 (heure non indiquée)" in text


def test_an_intimate_image_is_in_the_archive_but_not_shown_in_the_pdf(
    owner, owner_client, tmp_path
):
    dossier = make_dossier(owner)
    add_image_piece(dossier, data=screenshot(1))
    add_image_piece(
        dossier, data=screenshot(2), sensitivity=Sensitivity.ADULT, intimate_consent=True
    )
    data = collect(dossier, now=exports.timezone.now())
    assert data.pieces[0].files[0].display is not None
    assert data.pieces[1].files[0].display is None
    result = export_through_the_views(owner_client, dossier, tmp_path)
    names = zipfile.ZipFile(io.BytesIO(result.zip)).namelist()
    assert "pieces/piece-002-1.png" in names
    assert hashlib.sha256(screenshot(2)).hexdigest() in result.text  # still listed, with its hash


# --- The package, offline ---------------------------------------------------------------------


def verify_package(path) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("evidence", "verify-package", str(path), stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, err.getvalue()
    return 0, out.getvalue()


def test_verify_package_passes_on_the_downloaded_zip(exported, tmp_path):
    path = tmp_path / "dossier-D.zip"
    path.write_bytes(exported.zip)
    key = signing.keyring().current_key_id
    assert verify_package(path) == (0, f"dossier-D.zip: intact (signed by {key})\n")


def test_verify_package_fails_naming_the_original_after_one_byte_changes(exported, tmp_path):
    source = zipfile.ZipFile(io.BytesIO(exported.zip))
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "pieces/piece-002-1.png":
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            target.writestr(item, data)
    code, message = verify_package(changed)
    assert code == 1
    assert "pieces/piece-002-1.png: changed" in message
    assert "piece-001" not in message and "piece-003" not in message


# --- Custody ----------------------------------------------------------------------------------


def test_the_export_is_a_custody_event_with_the_hashes_of_the_package_and_the_pdf(exported):
    event = exported.dossier.events.get(payload__action=Action.DOSSIER_EXPORTED)
    assert event.payload["package"] == {
        "sha256": hashlib.sha256(exported.zip).hexdigest(),
        "size": len(exported.zip),
    }
    assert event.payload["pdf"]["sha256"] == hashlib.sha256(exported.pdf).hexdigest()
    assert event.payload["pieces"] == [1, 2, 3]
    assert event.payload["by"] == {"user": "lea_75", "role": "victim"}
    # The package's own log ends with the event just before the export.
    manifest = zipfile.ZipFile(io.BytesIO(exported.zip)).read("manifest.json").decode()
    assert event.prev_hash in manifest and event.payload["custody_head"] == event.prev_hash


def test_each_download_is_a_custody_event_too(exported):
    downloads = exported.dossier.events.filter(payload__action=Action.EXPORT_DOWNLOADED)
    assert [(e.payload["what"], e.payload["sha256"]) for e in downloads] == [
        ("pdf", exported.export.pdf_sha256),
        ("package", exported.export.package_sha256),
    ]


def test_the_dossier_still_verifies_after_the_export(exported):
    out = StringIO()
    call_command("evidence", "verify", str(exported.dossier.pk), stdout=out)
    assert "intact" in out.getvalue()
    assert verification.verify(exported.dossier).ok


def test_the_custody_log_page_shows_the_exported_hashes(exported, owner_client):
    page = owner_client.get(reverse("evidence:custody_log", args=[exported.dossier.pk])).text
    assert "Dossier exporté (PDF et archive)" in page
    assert exported.export.package_sha256 in page


# --- Failures, progress, housekeeping ---------------------------------------------------------


def start(dossier) -> Export:
    export, created = exports.request_export(dossier, dossier.owner, uuid.uuid4())
    assert created
    return export


def blob_path(name: str):
    return next(path for path in stored_files() if path.name == name.rpartition("/")[2])


@pytest.mark.parametrize("blob", ["storage_name", "display_name"])
def test_an_altered_file_fails_the_export_naming_the_piece_and_keeps_nothing(
    blob, owner, owner_client
):
    dossier = make_dossier(owner)
    add_pieces(dossier, 2)
    file = dossier.pieces.get(number=2).files.get()
    blob_path(getattr(file, blob)).write_bytes(b"SSE1" + b"\0" * 60)
    before = stored_files()
    export = exports.run_export(start(dossier).pk)
    assert export.status == ExportStatus.FAILED
    assert (export.error, export.error_piece) == ("file", 2)
    assert stored_files() == before  # nothing half-written is left
    assert not dossier.events.filter(payload__action=Action.DOSSIER_EXPORTED).exists()
    page = owner_client.get(reverse("evidence:export_detail", args=[export.pk])).text
    assert "Pièce 2 : un fichier conservé ne s’ouvre plus" in page


def test_a_failure_while_storing_deletes_what_was_written(owner, monkeypatch):
    dossier = make_dossier(owner)
    add_pieces(dossier, 1)
    before = stored_files()

    def broken_storage(source, written=None):
        written.append(sealed_files.new_name())
        raise OSError("disk full")

    monkeypatch.setattr(sealed_files, "write_stream", broken_storage)
    export = exports.run_export(start(dossier).pk)
    assert (export.status, export.error) == (ExportStatus.FAILED, "storage")
    assert stored_files() == before
    assert export.error_message.startswith("L’export n’a pas pu être enregistré")


def test_an_export_runs_once_and_ends_at_100_percent(owner):
    dossier = make_dossier(owner)
    add_pieces(dossier, 2)
    export = exports.run_export(start(dossier).pk)
    assert (export.status, export.progress, export.step) == ("done", 100, "finished")
    assert export.started_at <= export.finished_at
    again = exports.run_export(export.pk)
    assert again.package_name == export.package_name
    assert dossier.events.filter(payload__action=Action.DOSSIER_EXPORTED).count() == 1


def test_only_the_last_three_exports_are_kept(owner, django_capture_on_commit_callbacks):
    dossier = make_dossier(owner)
    add_pieces(dossier, 1)
    with django_capture_on_commit_callbacks(execute=True):
        done = [exports.run_export(start(dossier).pk) for _ in range(4)]
    assert list(dossier.exports.order_by("created_at")) == done[1:]
    assert not any(name in str(stored_files()) for name in done[0].blob_names())
    assert len(stored_files()) == 3 + 3 * 2  # the piece's 3 blobs, 3 × (PDF + package)


def test_erasing_the_dossier_erases_its_exports(owner, django_capture_on_commit_callbacks):
    dossier = make_dossier(owner)
    add_pieces(dossier, 1)
    exports.run_export(start(dossier).pk)
    assert len(stored_files()) == 5
    with django_capture_on_commit_callbacks(execute=True):
        vault.erase_dossier(dossier)
    assert stored_files() == []


def test_rotate_key_reseals_the_exported_pdf_and_package(owner, owner_client, settings):
    from evidence.sealing import crypto

    dossier = make_dossier(owner)
    add_pieces(dossier, 1)
    export = exports.run_export(start(dossier).pk)
    package = b"".join(sealed_files.read_stream(export.package_name))
    old_key = settings.EVIDENCE_ENCRYPTION_KEYS.split(",")[0]
    settings.EVIDENCE_ENCRYPTION_KEYS = f"{crypto.encode_key(crypto.generate_key())},{old_key}"
    out = StringIO()
    call_command("evidence", "rotate-key", stdout=out)
    assert "Re-encrypted 5 stored files" in out.getvalue()
    settings.EVIDENCE_ENCRYPTION_KEYS = settings.EVIDENCE_ENCRYPTION_KEYS.split(",")[0]
    export.refresh_from_db()
    response = owner_client.get(reverse("evidence:export_zip", args=[export.pk]))
    assert b"".join(response) == package
    assert len(stored_files()) == 5  # the old blobs are gone


# --- The fetcher, on real dossiers ------------------------------------------------------------


def test_the_fetcher_refuses_a_file_url_and_another_dossiers_image(owner, stranger, now):
    mine = make_dossier(owner)
    add_image_piece(mine, data=screenshot(1))
    theirs = make_dossier(stranger)
    add_image_piece(theirs, data=screenshot(2))
    html, resources = dossier_html(collect(mine, now=now))
    their_html, their_resources = dossier_html(collect(theirs, now=now))
    their_image = next(url for url in their_resources if "/piece/" in url)
    assert their_image in their_html and their_image not in resources
    planted = f'<img src="file:///etc/passwd" alt=""><img src="{their_image}" alt="">'
    fetcher = RestrictedFetcher(resources)
    render_pdf(html.replace("</body>", planted + "</body>"), fetcher)
    assert fetcher.refused == ["file:///etc/passwd", their_image]
    assert sum("/piece/" in url for url in fetcher.served) == 1
