"""What every page's shell needs: the emergency contacts, the other language's URL, and how
long a session lasts without activity."""

from django.conf import settings
from django.urls import translate_url

from common import languages
from guidance.content import footer_contacts


def shell(request):
    lang = languages.current()
    here = request.get_full_path()
    other_languages = [
        {"code": code, "name": name, "url": translate_url(here, code)}
        for code, name in settings.LANGUAGES
        if code != lang
    ]
    return {
        "emergency_contacts": footer_contacts(lang),
        "other_languages": other_languages,
        # For the warning before a signed-in session ends (templates/account_layout.html).
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
    }
