"""Site-wide policies: sessions ended by the quick exit stay ended, and no page is cached."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

from common import sessions


class RevokedSessionMiddleware:
    """A session the quick exit ended is never used again, even if its database row could not
    be deleted yet (common/sessions.py): the request goes on as a new visitor's, and the old
    cookie is deleted. Placed right after SessionMiddleware, before anything reads the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key and sessions.is_revoked(key):
            request.session = request.session.__class__()  # empty, no key: nothing is read
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages may show what a victim went through: no browser or proxy may keep a copy.

    Back and Forward then ask the server again, which renders the answers kept in the session,
    and after a quick exit (session ended) nothing of it can be shown again from a cache.
    Static files never get here: WhiteNoise answers them earlier, with long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
