"""An RFC 3161 time-stamp of the manifest, from a real authority made at test time: in the
package when TSA_URL is set, checked by our tool and by `openssl ts -verify`; said to be absent
otherwise, and said to have failed when the authority does not answer."""

import io
import json
import subprocess
import zipfile
from dataclasses import replace

import pytest

from evidence.export.attestation import server_attestation
from evidence.export.document.checking import verify_package
from evidence.export.document.package import write_package
from tests.evidence.export.factories import TEST_KEYS, attestation, dossier
from tests.evidence.export.tsa import local_authority

PDF = b"%PDF-1.7 stand-in\n%%EOF"


@pytest.fixture
def authority(tmp_path, settings):
    with local_authority(tmp_path / "tsa") as found:
        settings.TSA_URL = found.url
        settings.TSA_CA_FILE = str(found.root_file)
        yield found


def package() -> bytes:
    """A package signed with the test key, time-stamped as the server does it."""
    buffer = io.BytesIO()
    stamped = replace(attestation(), timestamp=server_attestation().timestamp)
    write_package(dossier(2), PDF, buffer, attestation=stamped)
    return buffer.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def check(data: bytes) -> list[str]:
    return [str(p) for p in verify_package(data, trusted_keys=TEST_KEYS.public_keys())]


def test_the_manifest_is_time_stamped_and_the_token_checks(authority, tmp_path):
    data = package()
    files = members(data)
    assert {"manifest.json.tsr", "horodatage-ac.pem"} <= set(files)
    assert "openssl ts -verify" in files["LISEZMOI.txt"].decode()
    assert check(data) == []
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    verified = subprocess.run(
        ["openssl", "ts", "-verify", "-data", "manifest.json", "-in", "manifest.json.tsr",
         "-CAfile", "horodatage-ac.pem"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert "Verification: OK" in verified.stdout, verified.stdout + verified.stderr


def test_a_token_moved_to_another_manifest_is_caught(authority):
    files = members(package())
    manifest = json.loads(files["manifest.json"])
    manifest["reference"] = "D-AUTRE"
    files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    assert "manifest.json.tsr: it time-stamps another manifest" in check(out.getvalue())


def test_without_an_authority_the_package_says_there_is_none(settings):
    settings.TSA_URL = ""
    files = members(package())
    assert "manifest.json.tsr" not in files
    assert "Aucune autorité d'horodatage (RFC 3161) n'était configurée" in (
        files["LISEZMOI.txt"].decode()
    )


def test_an_authority_that_does_not_answer_is_said_and_the_export_goes_on(settings):
    settings.TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens there
    files = members(package())
    assert "manifest.json.tsr" not in files
    assert "n'a pas répondu" in files["LISEZMOI.txt"].decode()
