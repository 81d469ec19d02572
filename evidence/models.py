"""The vault's rows: dossiers, their numbered pieces, the sealed files, the custody log, the
complaint and its exports.

Every object a person can reach has a random UUID as its public identifier (and primary key),
never a sequential id. The operations on these rows live in evidence/vault/services.py,
evidence/complaint/ and evidence/export/.

What a person types about what happened, and what identifies the people involved, is encrypted
at rest (evidence/sealing/fields.py): a piece's texts, links, names and report references, a
file's original name, the complaint, the chronology's notes. A dossier's title, the first name
of the person it concerns and the plan's facts are not: the custody log seals them in clear
(evidence/vault/custody.py), so encrypting their columns alone would hide nothing.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.sealing.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
    EncryptedURLField,
)
from guidance.facts import FACTS


class Role(models.TextChoices):
    """Who adds a piece, for the chain of custody."""

    VICTIM = "victim", _("the person targeted")
    PARENT = "parent", _("a parent or guardian")
    HELPER = "helper", _("a trusted helper")


class Concerns(models.TextChoices):
    SELF = "self", _("Me")
    CHILD = "child", _("A child in my care")
    OTHER = "other", _("Someone I am helping")


class AgeBand(models.TextChoices):
    """The guidance vocabulary's victim_age values."""

    UNDER_15 = "under_15", _("Under 15")
    FROM_15_TO_17 = "15_17", _("15 to 17")
    ADULT = "adult", _("18 or over")
    UNKNOWN = "unknown", _("I don't know")


class Kind(models.TextChoices):
    IMAGE = "image", _("Screenshot or photo")
    PDF = "pdf", _("PDF document")
    LINK = "link", _("Link only")
    TEXT = "text", _("Message text")
    # A conversation exported by its app (WhatsApp's "Export chat"), kept as received; its
    # messages chosen by the person become pieces of kind TEXT (evidence/intake/chat_import.py).
    CHAT = "chat", _("Exported conversation")


class Sensitivity(models.TextChoices):
    """The answer to "is it sexual or intimate?", asked before any file is read."""

    NO = "no", _("No")
    ADULT = "adult", _("Yes, of an adult")
    MINOR = "minor", _("Yes, of a minor (under 18)")
    UNSURE = "unsure", _("I don't know")


class Answer(models.TextChoices):
    UNKNOWN = "unknown", _("I don't know")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class Source(models.TextChoices):
    """Where a recorded value came from (evidence.md: say it, so no one can twist it)."""

    USER = "user", _("typed by you")
    FILE = "file", _("read from the file")
    SERVER = "server", _("set by the server")
    # Where a value read at intake was read (evidence/intake/capture.py, the chat readers).
    FILE_NAME = "file_name", _("read from the file name")
    METADATA = "metadata", _("read from the metadata")
    CHAT_EXPORT = "chat_export", _("read from the chat export")


_PLATFORM_LABELS = {
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "snapchat": "Snapchat",
    "x": "X (Twitter)",
    "facebook": "Facebook",
    "youtube": "YouTube",
    "discord": "Discord",
    "twitch": "Twitch",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "jeuxvideo_com": "jeuxvideo.com",
    "online_game": _("An online game"),
    "email": _("Email"),
    "sms": _("Text messages (SMS)"),
    "forum": _("A forum"),
    "other": _("Another site or app"),
}
# The guidance vocabulary, so a plan's platforms carry over to the pieces.
PLATFORM_CHOICES = [
    (value, _PLATFORM_LABELS.get(value, value)) for value in FACTS["platforms"].values
]


def _new_token() -> uuid.UUID:
    return uuid.uuid4()


def new_seal() -> str:
    """A piece's own random seal, which its values' commitments in the custody log use."""
    return secrets.token_hex(16)


class Dossier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dossiers"
    )
    title = models.CharField(_("name of the dossier"), max_length=120)
    concerns = models.CharField(max_length=10, choices=Concerns.choices, default=Concerns.SELF)
    person_name = models.CharField(_("their first name or a pseudonym"), max_length=80, blank=True)
    person_age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VICTIM)
    # The guidance facts the dossier was started from ({} when started by hand).
    facts = models.JSONField(default=dict, blank=True)
    # The last piece number handed out: numbers are never reused, even after a deletion.
    last_piece_number = models.PositiveIntegerField(default=0, editable=False)
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "submission_token"], name="dossier_submitted_once"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        """Short and printable, for file names and the PDF's running header: "D-7F3A9C"."""
        return "D-" + self.pk.hex[:6].upper()

    @property
    def is_about_a_minor(self) -> bool:
        """A child in the person's care, or an age band under 18 (for oneself: the plan's)."""
        if self.concerns == Concerns.CHILD:
            return True
        band = self.person_age_band if self.concerns != Concerns.SELF else ""
        band = band or (self.facts or {}).get("victim_age", "")
        return band in (AgeBand.UNDER_15, AgeBand.FROM_15_TO_17)


class Piece(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pieces")
    number = models.PositiveIntegerField(editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = EncryptedCharField(max_length=120, blank=True)
    # A value of the guidance vocabulary (PLATFORM_CHOICES); no choices here, so that a new
    # platform in the questionnaire needs no migration.
    platform = models.CharField(max_length=40, blank=True)
    url = EncryptedURLField(max_length=2000, blank=True)
    author_displayed = EncryptedCharField(max_length=200, blank=True)
    author_profile_url = EncryptedURLField(max_length=2000, blank=True)
    target = EncryptedCharField(max_length=200, blank=True)
    # The publication date as typed ("14/03/2025 22:47", or "il y a 3 j", which is flagged).
    published_raw = models.CharField(max_length=100, blank=True)
    published_is_absolute = models.BooleanField(default=False)
    published_date = models.DateField(null=True, blank=True)
    published_time = models.TimeField(null=True, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(editable=False)  # by the server, in UTC
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )
    added_by_role = models.CharField(max_length=10, choices=Role.choices)
    description = EncryptedTextField(blank=True)
    transcript = EncryptedTextField(blank=True)
    context = EncryptedTextField(blank=True)
    sensitivity = models.CharField(
        max_length=10, choices=Sensitivity.choices, default=Sensitivity.NO
    )
    intimate_consent = models.BooleanField(default=False)
    # True when the files were refused for safety (a minor, or unsure): only the facts are kept.
    files_withheld = models.BooleanField(default=False)
    reported_to_platform = models.BooleanField(default=False)
    reported_to_platform_on = models.DateField(null=True, blank=True)
    platform_reference = EncryptedCharField(max_length=100, blank=True)
    reported_to_pharos = models.BooleanField(default=False)
    reported_to_pharos_on = models.DateField(null=True, blank=True)
    pharos_reference = EncryptedCharField(max_length=100, blank=True)
    reported_to_3018 = models.BooleanField(default=False)
    reported_to_3018_on = models.DateField(null=True, blank=True)
    reference_3018 = EncryptedCharField(max_length=100, blank=True)
    still_online = models.CharField(max_length=10, choices=Answer.choices, default=Answer.UNKNOWN)
    removed = models.CharField(max_length=10, choices=Answer.choices, default=Answer.UNKNOWN)
    # Where each recorded value came from: {field name: Source}.
    provenance = models.JSONField(default=dict, blank=True)
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    # The files sent together it came from, for their review list (not part of the evidence).
    batch = models.ForeignKey(
        "Batch", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="pieces",
    )  # fmt: skip
    # Opens the commitments of the piece's values in the custody log (evidence/vault/custody.py);
    # deleted with the piece, so that the log then keeps nothing readable of it.
    seal = models.CharField(max_length=32, default=new_seal, editable=False)
    # Whether every item of the piece's checklist is done (Piece.checks), written with each
    # save: the dossier page counts its complete pieces from this column instead of opening
    # every piece's encrypted fields, so it costs the same with 5 pieces or 200. Null for a
    # row saved before the column existed: worked out when first read.
    complete = models.BooleanField(null=True, editable=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="piece_number_once"),
            models.UniqueConstraint(
                fields=["dossier", "submission_token"], name="piece_submitted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}"

    def save(self, *args, **kwargs) -> None:
        self.complete = all(self.checks().values())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "complete"}
        super().save(*args, **kwargs)

    def checks(self) -> dict[str, bool]:
        """Which items of the checklist are done (evidence.md: an exact date, where and who,
        context, words; their words and hints: evidence/vault/services.py checklist). An
        exported conversation dates and signs each of its messages itself: where it comes from
        and what it is are what it needs."""
        if self.kind == Kind.CHAT:
            return {"where": bool(self.platform), "description": bool(self.description.strip())}
        return {
            "date": self.published_is_absolute,
            "where": bool(self.url or (self.platform and self.author_displayed)),
            "context": bool(self.context.strip()) or len(self.files.all()) > 1,
            "description": bool(self.description.strip()),
        }

    @property
    def is_intimate(self) -> bool:
        return self.sensitivity == Sensitivity.ADULT

    def get_platform_display(self) -> str:
        return str(dict(PLATFORM_CHOICES).get(self.platform, self.platform))


class Derivatives(models.TextChoices):
    """Where an image's display copy and thumbnail are: the task worker makes them after the
    original is sealed (evidence/intake/derivatives.py)."""

    NONE = "none", _("None (not an image)")
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("The image could not be read")


class TextReading(models.TextChoices):
    """Where the reading of an image's text (OCR) is: after its derivatives, by the worker."""

    NONE = "none", _("Not read (not a screenshot)")
    PENDING = "pending", _("Being read")
    DONE = "done", _("Read")
    FAILED = "failed", _("Could not be read")


class EvidenceFile(models.Model):
    """One uploaded file of a piece: the sealed original and, for images, its two derivatives,
    made by the task worker once the original is sealed (`derivatives` says where they are).

    Storage names are random; the person's own file name is kept only as metadata here.
    Every blob is encrypted with its storage name as associated data
    (evidence/sealing/sealed_files.py).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveSmallIntegerField()
    original_name = EncryptedCharField(max_length=255, blank=True)
    storage_name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)  # of the plaintext original, taken on arrival
    size = models.PositiveBigIntegerField()
    mime_type = models.CharField(max_length=50)  # from our own sniffing, never the browser's
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    page_count = models.PositiveIntegerField(null=True)
    display_name = models.CharField(max_length=100, blank=True)
    display_sha256 = models.CharField(max_length=64, blank=True)
    display_width = models.PositiveIntegerField(null=True)
    display_height = models.PositiveIntegerField(null=True)
    thumbnail_name = models.CharField(max_length=100, blank=True)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    thumbnail_width = models.PositiveIntegerField(null=True)
    thumbnail_height = models.PositiveIntegerField(null=True)
    derivatives = models.CharField(
        max_length=10, choices=Derivatives.choices, default=Derivatives.NONE
    )
    # The format the original was read as (PNG, JPEG…), to decode it in the worker.
    image_format = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField()
    # The text the task worker read in the image (evidence/vault/text_reading.py): a help to
    # check, never the person's transcript; sealed in the custody log by a "text_read" event.
    ocr = models.CharField(max_length=10, choices=TextReading.choices, default=TextReading.NONE)
    ocr_text = EncryptedTextField(null=True, blank=True)  # None until read ("": nothing found)
    ocr_confidence = models.FloatField(null=True, blank=True)
    ocr_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["piece", "position"], name="file_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.piece_id}/{self.position}"

    @property
    def is_image(self) -> bool:
        return self.derivatives != Derivatives.NONE

    @property
    def is_ready(self) -> bool:
        """Its display copy and thumbnail can be shown."""
        return self.derivatives == Derivatives.READY

    def blobs(self) -> list[tuple[str, str, str]]:
        """(what, storage name, SHA-256 of the plaintext) of every stored blob of this file."""
        found = [("original", self.storage_name, self.sha256)]
        if self.display_name:
            found.append(("display", self.display_name, self.display_sha256))
        if self.thumbnail_name:
            found.append(("thumbnail", self.thumbnail_name, self.thumbnail_sha256))
        return found


class Batch(models.Model):
    """Files sent at once ("add many screenshots"): the sensitivity question is answered once,
    before any file is read, and each file then becomes a piece (or all of them one piece,
    `together`). Its pieces are reviewed on one list (evidence/vault/batches.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sensitivity = models.CharField(max_length=10, choices=Sensitivity.choices)
    intimate_consent = models.BooleanField(default=False)
    together = models.BooleanField(default=False)
    # The first step's one-time token: the same answer sent twice makes one batch.
    token = models.UUIDField(editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "token"], name="batch_started_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.pk}"


class ChatImport(models.Model):
    """A conversation exported by its app, being imported: the sensitivity question about its
    photos and videos (asked before the file is read), then the export itself, sealed as a piece
    of kind CHAT (`piece`), and its messages as read, encrypted here for the person to choose
    from; each message chosen becomes a piece (evidence/intake/chat_import.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="chat_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sensitivity = models.CharField(max_length=10, choices=Sensitivity.choices)
    intimate_consent = models.BooleanField(default=False)
    token = models.UUIDField(editable=False)
    # The export's own piece: deleting it deletes the import and what was read of it.
    piece = models.OneToOneField(
        Piece, on_delete=models.CASCADE, null=True, blank=True, related_name="chat_import"
    )
    format = models.CharField(max_length=20, blank=True)  # "whatsapp", "instagram"
    # What was read: [{"line", "at", "author", "text", "attachments", "flags"}, ...], the
    # participants, the problems met ([code, detail]); names and words, so encrypted.
    messages = EncryptedJSONField(default=list, blank=True)
    participants = EncryptedJSONField(default=list, blank=True)
    problems = EncryptedJSONField(default=list, blank=True)
    media_kept = models.BooleanField(default=False)
    # {line: piece id} of the messages already made pieces, so none is added twice.
    imported = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "token"], name="chat_import_started_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.pk}"


class CustodyEvent(models.Model):
    """One link of a dossier's hash-chained custody log (evidence/vault/integrity.py).

    The payload holds everything sealed, its own seq and server time included; the columns
    beside it only index it. Rows are only ever added: never updated, never deleted except
    when the whole dossier is erased at its owner's request.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    payload = models.JSONField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The server's Ed25519 signature of `hash` (evidence/sealing/signing.py) and its key's id:
    # a chain recomputed by someone without the key does not verify.
    key_id = models.CharField(max_length=16, blank=True)
    signature = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="custody_seq_once")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("custody events are append-only")
        super().save(*args, **kwargs)

    @property
    def action(self) -> str:
        return self.payload.get("action", "")


class IntegrityCheck(models.Model):
    """The last full check of a dossier (evidence/vault/checks.py): made by the task worker,
    read by the pages, which never decrypt or hash a blob themselves.

    `head_hash` is the custody log's head when it was checked: a page seeing another head
    knows the check is older than the dossier's last change, and asks for a new one.
    `problems` holds each problem in every language of the site ({"fr": [...], "en": [...]}).
    """

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="integrity_check"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    events = models.PositiveIntegerField(default=0)
    blobs = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    problems = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.dossier_id}: {'ok' if self.ok else 'problems'}"

    @property
    def pending(self) -> bool:
        """A check was asked for and has not run since."""
        return self.requested_at is not None and (
            self.checked_at is None or self.requested_at > self.checked_at
        )


# --- The complaint and its export ---------------------------------------------------------------


class Complaint(models.Model):
    """What the complaint form holds, saved with the dossier; every field optional until export.

    `data` has the shape of evidence.complaint.data.Complaint (see evidence/complaint/);
    `letter_text` is a whole letter edited by hand before the letter was written anew at every
    export: shown on the letter page until its owner forgets it, never exported ("" for all
    others; the person's own words for the letter are in `data`, `letter_additions`).
    `version` goes up at each save: a form sent from an older page is told, not applied blindly.
    """

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="complaint"
    )
    data = EncryptedJSONField(default=dict, blank=True)
    letter_text = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.dossier_id}"


class ChronologyNote(models.Model):
    """A fact of the chronology told by the person, beside the pieces (no file, a date)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("date"))
    text = EncryptedTextField(_("what happened"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "created_at"]

    def __str__(self) -> str:
        return f"{self.date}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportStep(models.TextChoices):
    WAITING = "waiting", _("Waiting for its turn")
    COLLECT = "collect", _("Gathering the pieces and the complaint")
    PDF = "pdf", _("Making the PDF")
    PACKAGE = "package", _("Putting the originals in the archive")
    SEALING = "sealing", _("Sealing and storing")
    FINISHED = "finished", _("Finished")


# Why an export failed: a code kept with the export, its message translated when shown.
EXPORT_ERRORS = {
    "file": _(
        "Piece %(number)s: a stored file no longer opens or no longer matches its fingerprint, "
        "so the dossier could not vouch for it. Nothing was exported. The dossier's page shows "
        "what was altered."
    ),
    "storage": _("The export could not be stored. Nothing was kept: please try again later."),
    "interrupted": _("The export stopped before the end. Nothing was kept: start it again."),
    "stopped": _(
        "The export was interrupted twice before the end: the server stopped while making it. "
        "Nothing was kept. Try again; if it stops again, try a little later."
    ),
    "unknown": _("The export failed. Nothing was kept: please try again."),
}


class Export(models.Model):
    """One export of a dossier: the PDF and the package (ZIP), stored encrypted.

    The PDF is sealed like the other blobs (small); the package, which can weigh hundreds of
    MB, is sealed in segments (evidence/sealing/stream.py). Both names are random.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )
    # The export form's one-time token: the same form sent twice starts one export.
    token = models.UUIDField(editable=False)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # 0–100
    step = models.CharField(max_length=10, choices=ExportStep.choices, default=ExportStep.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pieces = models.PositiveIntegerField(default=0)
    pdf_name = models.CharField(max_length=100, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(default=0)
    package_name = models.CharField(max_length=100, blank=True)
    package_sha256 = models.CharField(max_length=64, blank=True)
    package_size = models.PositiveBigIntegerField(default=0)
    # Why it failed, as a code (ExportError) translated when shown, and the piece concerned.
    error = models.CharField(max_length=20, blank=True)
    error_piece = models.PositiveIntegerField(null=True, blank=True)
    # How many times a worker took it up: a run whose worker died is put back in the queue
    # once (evidence/export/jobs.py). Each run's writes name its attempt, so that a run given
    # up for dead can no longer change anything.
    attempts = models.PositiveSmallIntegerField(default=0)
    # The last sign of life: the running worker's heartbeat, or the moment it was put back.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The worker running it, "host:pid": a worker starting on the same host knows at once
    # that one which no longer exists will not finish it.
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "token"], name="export_requested_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def error_message(self) -> str:
        if self.status != ExportStatus.FAILED:
            return ""
        message = EXPORT_ERRORS.get(self.error, EXPORT_ERRORS["unknown"])
        return message % {"number": self.error_piece or "?"}

    def blob_names(self) -> list[str]:
        return [name for name in (self.pdf_name, self.package_name) if name]


class Draft(models.Model):
    """What a form of the vault held when it was sent after the session had ended, kept sealed
    for a short while for the account it belongs to (evidence/drafts.py). Never a file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The account it is for: the owner of the dossier the form is about, known at once; for a
    # form about no dossier yet (a new one), the first account to log in from that browser.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # Erased with its dossier.
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, null=True, related_name="+")
    path = models.CharField(max_length=300)  # the page of the form
    # The fields as sent, encrypted with the evidence keyring (the draft's id as associated data).
    sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.path} until {self.expires_at:%H:%M}"


# --- Helpers on a dossier, and read-only shares (evidence/sharing/) ------------------------------


class HelperPermissions(models.Model):
    """Who a helper is for the dossier, and what they may do besides what every helper may:
    see the pieces and add pieces and chronology entries (evidence/access.py reads these)."""

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.HELPER)
    can_edit = models.BooleanField(default=False)
    can_delete = models.BooleanField(default=False)
    can_see_complaint = models.BooleanField(default=False)
    can_export = models.BooleanField(default=False)
    can_invite = models.BooleanField(default=False)

    class Meta:
        abstract = True


class Helper(HelperPermissions):
    """A person the owner let into their dossier. Removing them deletes this row: their next
    request gets 404; the custody log keeps what they did."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="helpers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helping"
    )
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "user"], name="helper_once_per_dossier")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.user_id}"


class Invitation(HelperPermissions):
    """A one-time invitation to help on a dossier: a link and a short code, either of which
    works once, until it expires or is withdrawn (evidence/sharing/invitations.py).

    Found by the HMAC digests of its link's token and of its code ("" once it no longer
    works); the token and the code themselves are kept encrypted only so that whoever made the
    invitation can show them again while it works.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    token_digest = models.CharField(max_length=64, blank=True, editable=False)
    code_digest = models.CharField(max_length=64, blank=True, editable=False)
    token = EncryptedCharField(max_length=64, blank=True, editable=False)
    code = EncryptedCharField(max_length=20, blank=True, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The invitation form's one-time token: the same form sent twice makes one invitation.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "submission_token"], name="invitation_made_once"
            ),
            models.UniqueConstraint(
                fields=["token_digest"],
                condition=~models.Q(token_digest=""),
                name="invitation_token_once",
            ),
            models.UniqueConstraint(
                fields=["code_digest"],
                condition=~models.Q(code_digest=""),
                name="invitation_code_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.pk}"


class ShareContent(models.TextChoices):
    PIECES = "pieces", _("The pieces and their details")
    EXPORT = "export", _("The last export: its PDF and its archive")
    PACKAGE = "package", _("Only the archive (ZIP) of the last export")


class Share(models.Model):
    """A read-only view of a dossier for a lawyer, an association or an investigator, who
    needs no account: a link, and an access code given separately, until it expires or is
    revoked (evidence/sharing/shares.py). Its token and code are kept as for an Invitation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="shares")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    shows = models.CharField(max_length=10, choices=ShareContent.choices)
    # For whom, as the owner wrote it ("Maître Martin", "l'association"): theirs to read only.
    recipient = EncryptedCharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    token_digest = models.CharField(max_length=64, blank=True, editable=False)
    code_digest = models.CharField(max_length=64, blank=True, editable=False)
    token = EncryptedCharField(max_length=64, blank=True, editable=False)
    code = EncryptedCharField(max_length=20, blank=True, editable=False)
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "submission_token"], name="share_made_once"
            ),
            models.UniqueConstraint(
                fields=["token_digest"],
                condition=~models.Q(token_digest=""),
                name="share_token_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.pk}"


class CodeFailure(models.Model):
    """One wrong invitation or access code, counted against a key (an HMAC of the account, the
    share or the address: evidence/sharing/throttling.py). Deleted once older than the longest
    throttling window: no address is kept beyond it."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.at:%H:%M}"
