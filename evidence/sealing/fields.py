"""Model fields whose values are encrypted at rest with the evidence keyring (AES-GCM).

What a victim types about what happened (descriptions, transcripts, the complaint's identities,
the chronology) is kept in the database only as an envelope of evidence.sealing.crypto, in
URL-safe base64 text. Its associated data names the value's row and column,
"evidence.piece.description:<primary key>", so a value copied into another row or column
does not open. The keys are the files' keys (EVIDENCE_ENCRYPTION_KEYS), kept outside the
database, and `manage.py evidence rotate-key` re-encrypts these values too.

Transparent for forms and views: a value is encrypted when its row is saved (`pre_save`, which
knows the row) and opened when its row is loaded (`post_init`, which knows it too); in Python
a model's attribute is always the plain value, so custody commitments and exports are
unchanged. Everything else meets the sealed text: values() and values_list() give `Sealed`
objects (which refuse to be shown), and a filter, an update() or a bulk_update() on such a
column is refused: nothing may search or write an encrypted column in SQL.

A value that no longer opens (altered, or moved from another row, or sealed with a key no
longer in the keyring) does not stop its row from loading: it reads as empty, `unreadable()`
names it (the dossier's verification reports it as altered), and saving the row keeps the
stored text as it was rather than replacing it with the empty value.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

from django.db import models
from django.db.models.signals import post_init

from evidence.sealing.crypto import KEY_ID_SIZE, MAGIC, DecryptionError
from evidence.sealing.sealed_files import keyring

__all__ = [
    "DecryptionError",
    "EncryptedCharField",
    "EncryptedJSONField",
    "EncryptedTextField",
    "EncryptedURLField",
    "Sealed",
    "associated_data",
    "encrypted_fields",
    "unreadable",
]

logger = logging.getLogger(__name__)


def associated_data(model: type[models.Model], field_name: str, pk: Any) -> bytes:
    """What ties a value to its row and column: "evidence.piece.description:<pk>"."""
    return f"{model._meta.label_lower}.{field_name}:{pk}".encode()


def seal_text(plaintext: bytes, context: bytes) -> str:
    return base64.urlsafe_b64encode(keyring().encrypt(plaintext, context)).decode("ascii")


def open_text(text: str, context: bytes) -> bytes:
    return keyring().decrypt(_envelope(text), context)


def _envelope(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise DecryptionError("not an encrypted value (not base64 text)") from None


class Sealed:
    """A value as its column holds it, not opened: what values() and values_list() give.

    It refuses to become text, so that it is never shown or exported by mistake; its key id
    tells which key sealed it (key rotation)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @property
    def key_id(self) -> bytes:
        return _envelope(self.text)[len(MAGIC) : len(MAGIC) + KEY_ID_SIZE]

    def __str__(self) -> str:
        raise TypeError("an encrypted value is opened by loading its model instance")

    def __repr__(self) -> str:
        return "<Sealed value>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


class Unreadable(str):
    """The empty text standing for a value that does not open; it keeps the stored text."""

    sealed: Sealed

    def __new__(cls, sealed: Sealed) -> Unreadable:
        value = super().__new__(cls, "")
        value.sealed = sealed
        return value


class UnreadableData(dict):
    """The empty data standing for JSON data that does not open; it keeps the stored text."""

    def __init__(self, sealed: Sealed) -> None:
        super().__init__()
        self.sealed = sealed


def unreadable(instance: models.Model) -> list[str]:
    """The names of the instance's encrypted fields whose stored value did not open."""
    return [
        name
        for name in encrypted_fields(type(instance))
        if isinstance(instance.__dict__.get(name), Unreadable | UnreadableData)
    ]


class EncryptedMixin:
    """Stored as text whatever the field's own type; see the module's docstring."""

    attname: str
    name: str
    model: type[models.Model]

    def get_internal_type(self) -> str:
        return "TextField"

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only)  # type: ignore[misc]
        if not cls._meta.abstract:
            post_init.connect(self._open_when_loaded, sender=cls)

    # --- Python value <-> bytes; the JSON field has its own -------------------------------------

    def to_bytes(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def from_bytes(self, data: bytes) -> Any:
        return data.decode("utf-8")

    # --- Saving and loading -------------------------------------------------------------------

    def context(self, instance: models.Model) -> bytes:
        if instance.pk is None:
            raise ValueError(f"{self.model._meta.label}.{self.name}: the row needs its key first")
        return associated_data(type(instance), self.name, instance.pk)

    def pre_save(self, model_instance: models.Model, add: bool) -> Sealed | None:
        value = super().pre_save(model_instance, add)  # type: ignore[misc]
        if value is None:
            return None
        if isinstance(value, Unreadable | UnreadableData):
            return value.sealed  # kept as it was found, for whoever investigates
        return Sealed(seal_text(self.to_bytes(value), self.context(model_instance)))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or isinstance(value, Sealed):
            return None if value is None else value.text
        raise TypeError(
            f"{self.model._meta.label}.{self.name} is encrypted: it cannot be searched or "
            "written in SQL; load the rows and save them through their model instances"
        )

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(value)

    def _open_when_loaded(self, sender: type[models.Model], instance: models.Model, **kwargs):
        value = instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            try:
                opened = self.from_bytes(open_text(value.text, self.context(instance)))
            except (DecryptionError, UnicodeDecodeError, ValueError) as error:
                logger.warning(
                    "%s.%s of %s does not open: %s",
                    instance._meta.label,
                    self.name,
                    instance.pk,
                    error,
                )
                opened = self.unreadable_value(value)
            instance.__dict__[self.attname] = opened

    def unreadable_value(self, sealed: Sealed) -> Any:
        return Unreadable(sealed)


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField (its max_length checked by forms and full_clean) kept encrypted."""


class EncryptedURLField(EncryptedMixin, models.URLField):
    """A URLField (checked as a URL by forms) kept encrypted."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A TextField kept encrypted."""


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """JSON data (dicts, lists, text, numbers) kept encrypted, as one value."""

    def to_bytes(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def from_bytes(self, data: bytes) -> Any:
        return json.loads(data)

    def to_python(self, value: Any) -> Any:
        return value  # already Python data, not text to parse

    def unreadable_value(self, sealed: Sealed) -> Any:
        return UnreadableData(sealed)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """The names of the model's encrypted fields (their attribute names too)."""
    return [
        field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)
    ]
