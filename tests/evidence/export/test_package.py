"""The package: the PDF, the originals named by piece number, a signed manifest, SHA256SUMS.txt
and a readme. Checking it offline (evidence/export/document/checking.py) names whatever was
changed, forged or damaged, and the standard tools the readme names agree."""

import hashlib
import io
import json
import re
import subprocess
import zipfile

import pytest

from evidence.export.document.checking import verify_package
from evidence.export.document.package import write_package
from evidence.sealing.signing import SigningKeyring, decode_key, generate_encoded_key
from tests.evidence.export.factories import TEST_KEYS, attestation, dossier, screenshot

PDF = b"%PDF-1.7 stand-in for the rendered dossier\n%%EOF"


def make_package(pieces: int = 2, **options) -> bytes:
    buffer = io.BytesIO()
    write_package(dossier(pieces), PDF, buffer, attestation=attestation(), **options)
    return buffer.getvalue()


@pytest.fixture
def package() -> bytes:
    return make_package()


def check(data: bytes) -> list[str]:
    return [str(problem) for problem in verify_package(data, trusted_keys=TEST_KEYS.public_keys())]


def members(package: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(package))
    return {name: archive.read(name) for name in archive.namelist()}


def rebuild(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in files.items():
            target.writestr(name, data)
    return out.getvalue()


def changed(package: bytes, name: str, change) -> bytes:
    files = members(package)
    files[name] = change(files[name])
    return rebuild(files)


def manifest_changed(package: bytes, change, *, resum: bool = True) -> bytes:
    """The manifest edited, and (as a careful forger would) its fingerprint in SHA256SUMS.txt
    updated to match."""
    files = members(package)
    manifest = json.loads(files["manifest.json"])
    change(manifest)
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    if resum:
        files["SHA256SUMS.txt"] = resummed(files)
    return rebuild(files)


def resummed(files: dict[str, bytes]) -> bytes:
    lines = files["SHA256SUMS.txt"].decode().splitlines()
    out = []
    for line in lines:
        _digest, _sep, name = line.partition("  ")
        out.append(f"{hashlib.sha256(files[name]).hexdigest()}  {name}")
    return ("\n".join(out) + "\n").encode()


def test_it_returns_the_hash_and_size_of_what_it_wrote(tmp_path):
    with open(tmp_path / "dossier.zip", "wb") as target:
        written = write_package(dossier(1), PDF, target, attestation=attestation())
    package = (tmp_path / "dossier.zip").read_bytes()
    assert written.sha256 == hashlib.sha256(package).hexdigest()
    assert written.size == len(package)
    assert verify_package(tmp_path / "dossier.zip", trusted_keys=TEST_KEYS.public_keys()) == []


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


def test_it_holds_the_pdf_the_originals_the_signed_manifest_and_the_readme(package):
    names = set(members(package))
    assert {"dossier.pdf", "manifest.json", "LISEZMOI.txt", "SHA256SUMS.txt"} <= names
    assert {"manifest.json.sig", "SHA256SUMS.txt.sig", "cle-publique.pem"} <= names
    assert {"pieces/piece-001-1.png", "pieces/piece-002-1.png"} <= names


def test_originals_are_kept_byte_for_byte(package):
    assert members(package)["pieces/piece-002-1.png"] == screenshot(2)


def test_the_manifest_gives_each_pieces_fields_seal_hashes_and_the_signed_log(package):
    manifest = json.loads(members(package)["manifest.json"])
    first = manifest["pieces"][0]
    assert first["number"] == 1 and first["url"] == "https://www.instagram.com/p/abc1/"
    assert first["seal"] and first["sealed_values"]["url"] == first["url"]
    assert first["files"][0]["sha256"] == hashlib.sha256(screenshot(1)).hexdigest()
    assert [e["seq"] for e in manifest["custody"]] == [1, 2, 3]
    assert all(len(e["signature"]) == 128 for e in manifest["custody"])
    assert manifest["custody_head"] == manifest["custody"][-1]["hash"]


# --- Standard tools, as the readme tells a recipient ----------------------------------------------


def test_the_readme_explains_each_check_with_standard_tools(package):
    readme = members(package)["LISEZMOI.txt"].decode()
    assert "sha256sum -c SHA256SUMS.txt" in readme and "Get-FileHash" in readme
    assert "openssl pkeyutl -verify" in readme
    assert TEST_KEYS.current_key_id in readme
    assert "Aucune autorité d'horodatage" in readme  # no authority configured: said so


def unpacked(package: bytes, folder) -> None:
    for name, data in members(package).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def run(command: list[str], folder) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True)


def openssl_verifies(folder, name: str) -> bool:
    result = run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "cle-publique.pem", "-rawin",
         "-in", name, "-sigfile", f"{name}.sig"],
        folder,
    )  # fmt: skip
    return result.returncode == 0 and "Signature Verified Successfully" in result.stdout


def test_standard_tools_find_an_intact_package_intact(package, tmp_path):
    unpacked(package, tmp_path)
    assert run(["sha256sum", "-c", "SHA256SUMS.txt"], tmp_path).returncode == 0
    assert openssl_verifies(tmp_path, "SHA256SUMS.txt")
    assert openssl_verifies(tmp_path, "manifest.json")


def test_standard_tools_catch_a_forged_manifest_with_recomputed_sums(package, tmp_path):
    forged = manifest_changed(package, lambda m: m["pieces"][0].update(description="autre"))
    unpacked(forged, tmp_path)
    assert run(["sha256sum", "-c", "SHA256SUMS.txt"], tmp_path).returncode == 0  # sums agree…
    assert not openssl_verifies(tmp_path, "SHA256SUMS.txt")  # …but nobody signed them
    assert not openssl_verifies(tmp_path, "manifest.json")


# --- Our own check: everything against everything ---------------------------------------------


def test_an_intact_package_verifies(package):
    assert check(package) == []


def test_a_changed_original_is_named(package):
    problems = check(changed(package, "pieces/piece-002-1.png", lambda data: data + b"!"))
    assert any(p.startswith("pieces/piece-002-1.png: changed") for p in problems), problems


def test_a_missing_original_is_named(package):
    files = members(package)
    del files["pieces/piece-001-1.png"]
    assert "pieces/piece-001-1.png: missing from the archive" in check(rebuild(files))


def replaced_original(manifest):
    manifest["pieces"][1]["files"][0]["sha256"] = hashlib.sha256(b"other").hexdigest()


def test_an_original_replaced_with_its_hash_updated_in_the_manifest(package):
    files = members(package)
    files["pieces/piece-002-1.png"] = b"other"
    manifest = json.loads(files["manifest.json"])
    replaced_original(manifest)
    files["manifest.json"] = json.dumps(manifest).encode()
    files["SHA256SUMS.txt"] = resummed(files)
    problems = check(rebuild(files))
    assert "manifest.json: its signature does not match: it was changed" in problems
    assert "piece 2, file 1: “sha256” differs from the custody log" in problems


def test_an_edited_description_is_caught_against_the_log(package):
    problems = check(manifest_changed(package, lambda m: m["pieces"][0].update(description="x")))
    assert "piece 1: “description” differs from its sealed value" in problems


def test_an_edited_sealed_value_is_caught_against_the_log(package):
    def edit(manifest):
        manifest["pieces"][0]["sealed_values"]["description"] = "x"
        manifest["pieces"][0]["description"] = "x"

    assert "piece 1: “description” differs from the custody log" in check(
        manifest_changed(package, edit)
    )


def test_an_edited_receipt_time_is_caught_against_the_log(package):
    problems = check(
        manifest_changed(package, lambda m: m["pieces"][1].update(received_at="2020-01-01T00:00"))
    )
    assert "piece 2: its receipt time differs from the custody log" in problems


def test_an_edited_file_receipt_time_is_caught(package):
    def edit(manifest):
        manifest["pieces"][1]["files"][0]["received_at"] = "2020-01-01T00:00:00+00:00"

    assert "piece 2, file 1: “received_at” differs from the custody log" in check(
        manifest_changed(package, edit)
    )


def test_a_renamed_original_is_caught(package):
    def edit(manifest):
        manifest["pieces"][0]["files"][0]["original_name"] = "autre.png"

    assert "piece 1, file 1: “name” differs from the custody log" in check(
        manifest_changed(package, edit)
    )


def test_a_piece_removed_from_the_manifest_is_caught(package):
    problems = check(manifest_changed(package, lambda m: m["pieces"].pop()))
    assert "piece 2: in the custody log but not here" in problems


def test_an_altered_custody_event_is_named(package):
    def alter(manifest):
        manifest["custody"][0]["payload"]["record"] = {"title": "x"}

    problems = check(manifest_changed(package, alter))
    assert any(p.startswith("custody event 1:") for p in problems), problems


def test_a_custody_log_recomputed_and_signed_with_another_key(package):
    """A forger with a key of their own rebuilds everything consistently: only the key shows."""
    forger = SigningKeyring(decode_key(generate_encoded_key()))
    buffer = io.BytesIO()
    from evidence.export.document.package import Attestation
    from evidence.sealing.signing import public_pem

    forged = Attestation(
        key_id=forger.current_key_id,
        public_keys={forger.current_key_id: public_pem(forger.public_key())},
        sign=lambda data: forger.sign(data).raw,
    )
    write_package(dossier(2), PDF, buffer, attestation=forged)
    problems = check(buffer.getvalue())
    assert any("which is not this server's" in p for p in problems), problems


def test_an_edited_or_removed_sums_file_is_caught(package):
    edited = changed(package, "SHA256SUMS.txt", lambda data: data.replace(b"a", b"b", 1))
    assert "SHA256SUMS.txt: its signature does not match: it was changed" in check(edited)
    files = members(package)
    del files["SHA256SUMS.txt"]
    assert "SHA256SUMS.txt: missing" in check(rebuild(files))


def test_a_removed_signature_is_caught(package):
    files = members(package)
    del files["manifest.json.sig"]
    assert "manifest.json.sig: missing: nothing vouches for it" in check(rebuild(files))


def test_an_edited_head_in_the_readme_is_caught(package):
    def edit(data: bytes) -> bytes:
        return re.sub(rb"\n[0-9a-f]{64}\n", b"\n" + b"0" * 64 + b"\n", data)

    files = members(package)
    files["LISEZMOI.txt"] = edit(files["LISEZMOI.txt"])
    files["SHA256SUMS.txt"] = resummed(files)
    problems = check(rebuild(files))
    assert "LISEZMOI.txt: the head of the custody log it states is not the log's" in problems


def test_an_added_file_is_caught(package):
    files = members(package)
    files["pieces/piece-009-1.png"] = b"planted"
    problems = check(rebuild(files))
    assert "pieces/piece-009-1.png: not listed in the manifest" in problems


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda m: m.pop("custody"), "manifest.json › custody"),
        (lambda m: m["pieces"][0].update(number="1"), "manifest.json › pieces.0.number"),
        (lambda m: m["custody"][0].update(payload=[]), "manifest.json › custody.0.payload"),
        (lambda m: m.update(format="autre/9"), "manifest.json › format"),
    ],
)
def test_a_malformed_manifest_is_named_never_a_traceback(package, change, where):
    problems = check(manifest_changed(package, change))
    assert any(p.startswith(where) for p in problems), problems


def test_a_manifest_that_is_not_json_is_named(package):
    assert check(changed(package, "manifest.json", lambda data: b"{not json"))[0].startswith(
        "manifest.json: unreadable"
    )


def test_a_crc_error_is_named_never_a_traceback(package):
    data = bytearray(package)
    original = screenshot(1)
    start = bytes(data).index(original[100:140])
    data[start + 5] ^= 0xFF  # one byte of a stored original, its CRC left as it was
    problems = check(bytes(data))
    assert any("pieces/piece-001-1.png: damaged, it cannot be read" in p for p in problems)


def test_something_that_is_not_a_zip_is_refused():
    assert [p.where for p in verify_package(b"not a zip")] == ["archive"]
