"""Site-wide response policies."""

from django.utils.cache import add_never_cache_headers


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
