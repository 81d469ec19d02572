"""`make prod-check`: the site in production mode on this machine, checked over real HTTPS.

Run inside pg_virtualenv (the Makefile does), which provides a throwaway PostgreSQL cluster
and DATABASE_URL. With secrets generated for the run, it migrates, collects the static
files, runs `manage.py check --deploy --fail-level WARNING`, starts gunicorn with PRODUCTION=1
and the task worker (`manage.py worker`), and goes through a person's journey: sign up,
create a dossier, add a generated screenshot, export, wait, download the PDF and the
package, then verifies the package (`manage.py evidence verify-package`) and the vault
(`manage.py evidence verify --all`).

gunicorn speaks TLS itself, with a certificate made for the run: every production setting
stays as it is (HTTPS redirect, HSTS, `__Host-` secure cookies), with no proxy to set up.
Exits 1 naming the step that failed (and the end of the servers' logs); stops everything it
started, on failure too.
"""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import os
import secrets
import ssl
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw

from tests.production import servers, visitor

HOST = "127.0.0.1"


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid for a day: (certificate, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def screenshot() -> bytes:
    """A phone screenshot of a conversation, made now."""
    image = Image.new("RGB", (390, 844), "white")
    draw = ImageDraw.Draw(image)
    for line in range(14):
        draw.text(
            (20, 60 + line * 50), f"message {line} : t'es nulle, tout le monde le sait", "black"
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class Report:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.step_started = self.started
        self.step = "start"

    def begin(self, step: str) -> None:
        self.step, self.step_started = step, time.monotonic()

    def ok(self, detail: str = "") -> None:
        took = time.monotonic() - self.step_started
        print(f"  ok  {self.step}{f': {detail}' if detail else ''} ({took:.1f} s)", flush=True)


def production_env(folder: Path) -> dict[str, str]:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL: run `make prod-check`")
    return {
        "PRODUCTION": "1",
        # Generated for the run, as settings.py generates them for local runs.
        "SECRET_KEY": secrets.token_urlsafe(64),
        "EVIDENCE_ENCRYPTION_KEYS": secrets.token_urlsafe(32),
        "EVIDENCE_SIGNING_KEYS": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": HOST,
        "TRUSTED_PROXY_COUNT": "0",  # visitors reach gunicorn directly: no proxy
        "DATABASE_URL": database_url,
        "VAR_DIR": str(folder / "var"),
        "PRIVATE_STORAGE_ROOT": str(folder / "private"),
        "TMPDIR": str(folder / "tmp"),
    }


def run(folder: Path, report: Report, stack: ExitStack) -> None:
    env = production_env(folder)
    (folder / "tmp").mkdir()
    print(f"prod-check: PostgreSQL {env['DATABASE_URL'].rsplit('@', 1)[-1]}, files in {folder}")

    report.begin("manage.py migrate")
    servers.manage("migrate", "--noinput", env=env)
    report.ok()
    report.begin("manage.py collectstatic")
    servers.manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    report.ok()
    report.begin("manage.py check --deploy --fail-level WARNING")
    output = servers.manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    report.ok(output.strip().splitlines()[-1])

    report.begin("gunicorn (PRODUCTION=1, TLS) and the task worker (manage.py worker)")
    tls = certificate(folder)
    base_url = stack.enter_context(servers.web_node(folder / "web", env, workers=2, tls=tls))
    worker = stack.enter_context(
        servers.task_worker(folder / "worker", env, ["worker", "--interval", "1"])
    )
    report.ok(base_url)

    context = ssl.create_default_context(cafile=str(tls[0]))
    person = visitor.Visitor(base_url, ssl_context=context)
    report.begin("home page over HTTPS, with HSTS")
    home = visitor.expect(person.get("/"))
    assert "max-age=63072000" in home.headers.get("Strict-Transport-Security", ""), home.headers
    report.ok()

    report.begin("sign up")
    visitor.sign_up(person, "prod_check_" + secrets.token_hex(3), secrets.token_urlsafe(16))
    session = person.cookie("__Host-sessionid")
    assert session is not None and session.secure, "no secure __Host- session cookie"
    report.ok("secure __Host-sessionid cookie")

    report.begin("create a dossier and add a screenshot")
    dossier = visitor.create_dossier(person, "Instagram")
    visitor.add_piece(person, dossier, screenshot())
    report.ok()

    report.begin("export, wait for the worker, download the PDF and the package")
    finished = visitor.export(person, dossier)
    worker.check_running()
    assert finished.pdf.startswith(b"%PDF-"), finished.pdf[:20]
    (folder / "dossier.pdf").write_bytes(finished.pdf)
    package = folder / "dossier.zip"
    package.write_bytes(finished.package)
    report.ok(f"PDF {len(finished.pdf) // 1024} KB, package {len(finished.package) // 1024} KB")

    report.begin("manage.py evidence verify-package")
    report.ok(servers.manage("evidence", "verify-package", str(package), env=env).strip())
    report.begin("manage.py evidence verify --all")
    servers.manage("evidence", "verify", "--all", env=env)
    report.ok()


def main() -> int:
    report = Report()
    with tempfile.TemporaryDirectory(prefix="prod-check-") as name, ExitStack() as stack:
        try:
            run(Path(name), report, stack)
        except (Exception, SystemExit) as error:
            print(f"prod-check: FAILED at {report.step}: {error}", file=sys.stderr)
            for log in sorted(Path(name).rglob("*.log")):
                tail = log.read_text(errors="replace")[-3000:]
                print(f"--- {log.relative_to(name)} (end) ---\n{tail}", file=sys.stderr)
            return 1
    print(f"prod-check: passed in {time.monotonic() - report.started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
