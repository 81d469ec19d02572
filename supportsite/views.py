"""The site shell's own pages: home, quick exit, safe browsing, contacts, errors."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from common import sessions
from guidance.content import localise, resources

log = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@csrf_exempt  # leaving must never fail, even from a page whose form token expired
def quick_exit(request: HttpRequest) -> HttpResponse:
    """End the session (logging out too) and leave for a neutral page, at once.

    Reached by the red button without JavaScript, and by the script's location.replace().
    Any method is accepted: leaving must never fail, nor wait for the database (a lock, a
    long upload): the session is revoked outside the database first, its row deleted only if
    that can be done without waiting (common/sessions.py), and the answer never reads it.
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if key:
        try:
            sessions.end(key)
        except Exception:  # even the cache failing must not keep anyone here
            log.exception("the quick exit could not end a session")
    # An empty session: the middleware deletes the cookie and saves nothing.
    request.session = request.session.__class__()
    response = redirect(settings.QUICK_EXIT_URL)
    # Ask the browser to drop our cookies and any storage for this site too.
    response["Clear-Site-Data"] = '"cookies", "storage"'
    return response


@require_safe
def safe_browsing(request: HttpRequest) -> HttpResponse:
    return render(
        request, "safe_browsing.html", {"session_minutes": settings.SESSION_COOKIE_AGE // 60}
    )


@require_safe
def contacts(request: HttpRequest) -> HttpResponse:
    lang = get_language()
    entries = [
        {key: localise(value, lang) for key, value in entry.items()}
        for entry in resources().values()
    ]
    return render(request, "contacts.html", {"contacts": entries})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the page itself may be what failed: answer in plain text then
        log.exception("500 page could not be rendered")
        return HttpResponseServerError(
            "Erreur du serveur, réessayez dans un instant. Server error, please try again.",
            content_type="text/plain; charset=utf-8",
        )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after the session expired or from an old page: explain, offer a way on."""
    return render(request, "403_csrf.html", status=403)
