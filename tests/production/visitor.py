"""A person using the site over real HTTP, as a browser without JavaScript would: cookies,
forms filled from what the page shows (hidden tokens included), Origin and Referer sent like
a browser's, redirects followed. For the tests of several web servers and `make prod-check`.
"""

from __future__ import annotations

import http.cookiejar
import re
import ssl
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import (
    HTTPCookieProcessor,
    HTTPRedirectHandler,
    HTTPSHandler,
    Request,
    build_opener,
)

TIMEOUT = 30


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: dict[str, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)


class _Forms(HTMLParser):
    """Every form of a page with the values a browser would send untouched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(
                a.get("action", ""),
                a.get("method", "get").lower(),
                a.get("enctype", "application/x-www-form-urlencoded"),
            )
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None or not name:
            return
        form.names.add(name)
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select, self._select_first = name, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                form.fields.setdefault(self._select, value)
            if "selected" in a:
                form.fields[self._select] = value
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea is not None:
            self._form.fields[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None


@dataclass
class Page:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def forms(self) -> list[Form]:
        parser = _Forms()
        parser.feed(self.text)
        return parser.forms

    def form_with(self, name: str) -> Form:
        """The form that has a field of this name."""
        for form in self.forms():
            if name in form.names:
                return form
        raise AssertionError(f"{self.url}: no form with a field {name!r}:\n{self.text[:3000]}")

    def links(self, pattern: str) -> list[str]:
        return [
            urljoin(self.url, href)
            for href in re.findall(r'href="([^"]+)"', self.text)
            if re.search(pattern, href)
        ]


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]):
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, data, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _Stay(HTTPRedirectHandler):
    """Redirects are answered, not followed (the quick exit leaves for another site)."""

    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: its own cookies. `ssl_context` trusts the server's certificate (HTTPS)."""

    def __init__(self, base_url: str, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        handlers: list = [HTTPCookieProcessor(self.cookies)]
        if ssl_context is not None:
            handlers.append(HTTPSHandler(context=ssl_context))
        self._opener = build_opener(*handlers)
        self._staying = build_opener(*handlers, _Stay())

    def on(self, base_url: str) -> Visitor:
        """The same browser (same cookies) on another server of the site."""
        other = Visitor.__new__(Visitor)
        other.__dict__.update(self.__dict__)
        other.base_url = base_url.rstrip("/")
        return other

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def _open(self, request: Request, *, follow: bool = True) -> Page:
        try:
            response = (self._opener if follow else self._staying).open(request, timeout=TIMEOUT)
        except HTTPError as error:
            response = error
        with response:
            return Page(response.geturl(), response.status, dict(response.headers), response.read())

    def get(self, path: str, *, follow: bool = True) -> Page:
        return self._open(Request(self._url(path)), follow=follow)

    def cookie(self, name: str) -> http.cookiejar.Cookie | None:
        return next((cookie for cookie in self.cookies if cookie.name == name), None)

    def post(self, url: str, data: bytes, content_type: str, referer: str) -> Page:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        headers = {"Content-Type": content_type, "Origin": origin, "Referer": referer}
        return self._open(Request(url, data=data, headers=headers, method="POST"))

    def submit(
        self,
        page: Page,
        form: Form,
        values: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Page:
        fields = {**form.fields, **(values or {})}
        url = urljoin(page.url, form.action or page.url)
        if files or form.enctype == "multipart/form-data":
            body, content_type = _multipart(fields, files or {})
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.post(url, body, content_type, referer=page.url)

    def fill(self, path: str, field_name: str, values=None, files=None) -> Page:
        """Open the page, fill the form that has `field_name`, send it."""
        page = self.get(path)
        return self.submit(page, page.form_with(field_name), values, files)


# --- A person's journey ----------------------------------------------------------------------


def expect(page: Page, status: int = 200) -> Page:
    if page.status != status:
        raise AssertionError(f"{page.url}: HTTP {page.status}, not {status}\n{page.text[:3000]}")
    return page


def sign_up(visitor: Visitor, username: str, password: str) -> Page:
    page = expect(
        visitor.fill(
            "/compte/inscription/",
            "password1",
            {"username": username, "password1": password, "password2": password},
        )
    )
    # The recovery codes, shown once in the answer; "I have saved my codes" leads on.
    saved = page.links(r"/dossiers/$")
    assert saved, f"no recovery codes after signing up: {page.url}\n{page.text[:3000]}"
    page = expect(visitor.get(saved[0]))
    assert page.url.endswith("/dossiers/"), page.url
    return page


def log_in(visitor: Visitor, username: str, password: str) -> Page:
    return visitor.fill(
        "/compte/connexion/", "password", {"username": username, "password": password}
    )


def create_dossier(visitor: Visitor, title: str) -> str:
    """The new dossier's id."""
    page = expect(
        visitor.fill(
            "/dossiers/nouveau/", "title", {"title": title, "concerns": "self", "role": "victim"}
        )
    )
    found = re.search(r"/dossiers/([0-9a-f-]{36})/$", page.url)
    assert found, f"no dossier after creating one: {page.url}\n{page.text[:3000]}"
    return found.group(1)


def add_piece(visitor: Visitor, dossier_id: str, png: bytes, name: str = "capture.png") -> str:
    """A screenshot added as a new piece; the piece's page URL."""
    page = expect(
        visitor.fill(
            f"/dossiers/{dossier_id}/pieces/ajouter/",
            "files",
            {
                "kind": "image",
                "sensitivity": "no",
                "platform": "instagram",
                "url": "https://www.instagram.com/p/abc/",
                "author_displayed": "@tom_75",
                "published_raw": "14/03/2025 22:47",
                "title": "Menace",
                "description": "Il me menace.",
                "transcript": "tu vas voir demain",
            },
            files={"files": (name, png, "image/png")},
        )
    )
    assert "/pieces/" in page.url, f"the piece was not added: {page.url}\n{page.text[:3000]}"
    return page.url


@dataclass
class Finished:
    export_url: str
    pdf: bytes
    package: bytes


def export(visitor: Visitor, dossier_id: str, *, timeout: float = 180) -> Finished:
    """Start an export, follow its page until it is ready, download the PDF and the package."""
    page = expect(visitor.fill(f"/dossiers/{dossier_id}/exporter/", "token"))
    export_url = page.url
    assert re.search(r"/exports/[0-9a-f-]{36}/$", export_url), export_url
    deadline = time.monotonic() + timeout
    while not page.links(r"/pdf/$"):
        if time.monotonic() > deadline:
            raise AssertionError(f"the export was not ready in {timeout} s:\n{page.text[:3000]}")
        time.sleep(1)
        page = expect(visitor.get(export_url))
    pdf = expect(visitor.get(page.links(r"/pdf/$")[0])).body
    package = expect(visitor.get(page.links(r"/zip/$")[0])).body
    return Finished(export_url, pdf, package)


def erase_dossier(visitor: Visitor, dossier_id: str) -> Page:
    page = expect(visitor.fill(f"/dossiers/{dossier_id}/effacer/", "confirm", {"confirm": "on"}))
    assert page.url.endswith("/dossiers/"), page.url
    return page
