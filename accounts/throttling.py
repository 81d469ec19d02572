"""Login throttling with django-axes (settings: AXES_*): the address counted, and our own page
for a pseudonym that must wait."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render, resolve_url


def client_ip(request: HttpRequest) -> str:
    """The visitor's address for throttling (AXES_CLIENT_IP_CALLABLE).

    Behind TRUSTED_PROXY_COUNT proxies, the address the first of them saw is that many entries
    from the end of X-Forwarded-For; anything before it was written by the visitor.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to too many failures (AXES_LOCKOUT_CALLABLE): our own page."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "forgot_url": resolve_url("accounts:forgot_password")},
        status=429,
    )
