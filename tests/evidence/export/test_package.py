"""The package: the PDF, the originals named by piece number, a manifest and a readme; its
offline verification names whatever differs."""

import hashlib
import io
import json
import subprocess
import zipfile

import pytest

from evidence.export.document.package import verify_package, write_package
from tests.evidence.export.factories import dossier, screenshot

PDF = b"%PDF-1.7 stand-in for the rendered dossier\n%%EOF"


@pytest.fixture
def package() -> bytes:
    buffer = io.BytesIO()
    write_package(dossier(2), PDF, buffer)
    return buffer.getvalue()


def test_it_returns_the_hash_and_size_of_what_it_wrote(tmp_path):
    with open(tmp_path / "dossier.zip", "wb") as target:
        written = write_package(dossier(1), PDF, target)
    package = (tmp_path / "dossier.zip").read_bytes()
    assert written.sha256 == hashlib.sha256(package).hexdigest()
    assert written.size == len(package)
    assert verify_package(tmp_path / "dossier.zip") == []


def test_a_standard_unzip_opens_the_package_and_finds_every_file_intact(package, tmp_path):
    (tmp_path / "dossier.zip").write_bytes(package)
    tested = subprocess.run(
        ["unzip", "-t", "dossier.zip"], cwd=tmp_path, capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "No errors detected" in tested.stdout
    names = ("dossier.pdf", "pieces/piece-001-1.png", "pieces/piece-002-1.png", "manifest.json")
    for name in names:
        assert f"testing: {name}" in tested.stdout


def _rewrite(package: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == name else data)
    return out.getvalue()


def test_it_holds_the_pdf_the_originals_the_manifest_and_the_readme(package):
    names = set(zipfile.ZipFile(io.BytesIO(package)).namelist())
    assert {"dossier.pdf", "manifest.json", "LISEZMOI.txt", "SHA256SUMS.txt"} <= names
    assert {"pieces/piece-001-1.png", "pieces/piece-002-1.png"} <= names


def test_originals_are_kept_byte_for_byte(package):
    archive = zipfile.ZipFile(io.BytesIO(package))
    assert archive.read("pieces/piece-002-1.png") == screenshot(2)


def test_the_manifest_gives_each_pieces_fields_hashes_and_the_custody_log(package):
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(package)).read("manifest.json"))
    first = manifest["pieces"][0]
    assert first["number"] == 1 and first["url"] == "https://www.instagram.com/p/abc1/"
    assert first["files"][0]["sha256"] == hashlib.sha256(screenshot(1)).hexdigest()
    assert [e["seq"] for e in manifest["custody"]] == [1, 2]
    assert manifest["custody_head"] == manifest["custody"][-1]["hash"]


def test_the_readme_explains_how_to_check_with_standard_tools(package):
    readme = zipfile.ZipFile(io.BytesIO(package)).read("LISEZMOI.txt").decode()
    assert "sha256sum" in readme and "Get-FileHash" in readme and "shasum -a 256" in readme


def test_an_intact_package_verifies(package):
    assert verify_package(package) == []


def test_a_changed_original_is_named(package):
    tampered = _rewrite(package, "pieces/piece-002-1.png", lambda data: data + b"!")
    problems = [str(p) for p in verify_package(tampered)]
    assert len(problems) == 1 and problems[0].startswith("pieces/piece-002-1.png: changed")


def test_a_missing_original_is_named(package):
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != "pieces/piece-001-1.png":
                target.writestr(item, source.read(item.filename))
    assert [str(p) for p in verify_package(out.getvalue())] == [
        "pieces/piece-001-1.png: missing from the archive"
    ]


def test_an_altered_custody_event_is_named(package):
    def alter(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["custody"][0]["payload"]["piece"] = 99
        return json.dumps(manifest).encode()

    problems = [str(p) for p in verify_package(_rewrite(package, "manifest.json", alter))]
    assert problems and problems[0].startswith("custody event 1:")


def test_something_that_is_not_a_zip_is_refused():
    assert [p.where for p in verify_package(b"not a zip")] == ["archive"]
