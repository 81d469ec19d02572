"""What a person typed about what happened, encrypted at rest (see evidence/sealing/fields.py).

Three steps in one transaction: the columns become plain text (the ciphertext is longer than
the old lengths, and JSON becomes text), every existing value is encrypted in place with the
evidence keyring and its row and column as associated data, then the fields become the
encrypted fields (state only: the columns are already what they must be). Going back
decrypts them again. Self-contained on purpose: a migration must not change when the app's
code does; only the keyring's envelope (evidence/sealing/crypto.py) is shared.
"""

import base64

import django.db.models
from django.conf import settings
from django.db import migrations

import evidence.sealing.fields

# {model: {field: the plain field, then its encrypted one}}
FIELDS = {
    "piece": {
        "title": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedCharField(blank=True, max_length=120),
        ),
        "url": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedURLField(blank=True, max_length=2000),
        ),
        "author_displayed": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedCharField(blank=True, max_length=200),
        ),
        "author_profile_url": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedURLField(blank=True, max_length=2000),
        ),
        "target": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedCharField(blank=True, max_length=200),
        ),
        "description": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedTextField(blank=True),
        ),
        "transcript": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedTextField(blank=True),
        ),
        "context": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedTextField(blank=True),
        ),
        "platform_reference": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedCharField(blank=True, max_length=100),
        ),
        "pharos_reference": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedCharField(blank=True, max_length=100),
        ),
        "reference_3018": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedCharField(blank=True, max_length=100),
        ),
    },
    "evidencefile": {
        "original_name": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedCharField(blank=True, max_length=255),
        ),
    },
    "complaint": {
        "data": (
            lambda: django.db.models.TextField(blank=True, default="{}"),
            lambda: evidence.sealing.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        "letter_text": (
            lambda: django.db.models.TextField(blank=True),
            lambda: evidence.sealing.fields.EncryptedTextField(blank=True),
        ),
    },
    "chronologynote": {
        "text": (
            lambda: django.db.models.TextField(verbose_name="what happened"),
            lambda: evidence.sealing.fields.EncryptedTextField(verbose_name="what happened"),
        ),
    },
}


def _keyring():
    from evidence.sealing.crypto import Keyring  # keys only, read from settings

    return Keyring.from_encoded(settings.EVIDENCE_ENCRYPTION_KEYS)


def _context(model: str, field: str, pk) -> bytes:
    return f"evidence.{model}.{field}:{pk}".encode()


def _rows(apps, model: str, fields):
    Model = apps.get_model("evidence", model)
    return Model, list(Model.objects.values_list("pk", *fields))


def encrypt(apps, schema_editor):
    keyring = None
    for model, fields in FIELDS.items():
        Model, rows = _rows(apps, model, fields)
        for pk, *values in rows:
            keyring = keyring or _keyring()
            sealed = {
                field: base64.urlsafe_b64encode(
                    keyring.encrypt(value.encode("utf-8"), _context(model, field, pk))
                ).decode("ascii")
                for field, value in zip(fields, values, strict=True)
            }
            Model.objects.filter(pk=pk).update(**sealed)


def decrypt(apps, schema_editor):
    keyring = None
    for model, fields in FIELDS.items():
        Model, rows = _rows(apps, model, fields)
        for pk, *values in rows:
            keyring = keyring or _keyring()
            opened = {
                field: keyring.decrypt(
                    base64.urlsafe_b64decode(value), _context(model, field, pk)
                ).decode("utf-8")
                for field, value in zip(fields, values, strict=True)
            }
            Model.objects.filter(pk=pk).update(**opened)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0005_reseal_custody_logs")]

    operations = [
        *(
            migrations.AlterField(model, field, plain())
            for model, fields in FIELDS.items()
            for field, (plain, _encrypted) in fields.items()
        ),
        migrations.RunPython(encrypt, decrypt),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model, field, encrypted())
                for model, fields in FIELDS.items()
                for field, (_plain, encrypted) in fields.items()
            ]
        ),
    ]
