"""The site's languages, from settings.LANGUAGES (French first): written nowhere else."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def codes() -> tuple[str, ...]:
    """("fr", "en"): every language the site speaks, the default first."""
    return tuple(code for code, _name in settings.LANGUAGES)


def current() -> str:
    """The language of this request (or the default), always one the site speaks."""
    lang = get_language()
    return lang if lang in codes() else settings.LANGUAGE_CODE
