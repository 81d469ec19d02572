"""What every app shares in the database: the one-time tokens of forms already sent
(common/submissions.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A form that created something, by its one-time token: sent again, it does nothing twice.
    Kept a day (submissions.KEPT_FOR), then purged."""

    token = models.UUIDField(unique=True)
    form = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.form} {self.created_at:%Y-%m-%d %H:%M}"
