"""Accounts without email: Django's users, and the one-time recovery codes that replace the
usual "email me a link" for a forgotten password (accounts/recovery.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RecoveryCode(models.Model):
    """A one-time code that resets a forgotten password without email. Only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {'used' if self.used_at else 'unused'}"
