"""What every page's shell needs: the emergency contacts and the other language's URL."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from guidance.content import footer_contacts


def shell(request):
    lang = get_language() or settings.LANGUAGE_CODE
    here = request.get_full_path()
    other_languages = [
        {"code": code, "name": name, "url": translate_url(here, code)}
        for code, name in settings.LANGUAGES
        if code != lang
    ]
    return {
        "emergency_contacts": footer_contacts(lang if lang in ("fr", "en") else "fr"),
        "other_languages": other_languages,
    }
