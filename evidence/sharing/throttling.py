"""Wrong codes are throttled like passwords (accounts/throttling.py, django-axes).

Each wrong code counts against keys; past a key's limit within its window, every code, even a
right one, is refused until enough failures have aged out of the window:

- an invitation's code typed by a signed-in person: per account (LOGIN_FAILURE_LIMIT in
  LOGIN_COOLOFF_MINUTES, as for passwords) and per address (ADDRESS_LIMIT an hour: a whole
  school may share one address, and a new account per guess must not help);
- a share's access code: per share and address together (as for a pseudonym and its address,
  so that someone holding the link cannot lock its recipient out from elsewhere), and per
  address.

Failures live in the database (CodeFailure), which every web server shares, under an HMAC of
the key: no address or account in clear, and none kept past the longest window (`purge`, run
by the task worker).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.throttling import client_ip
from evidence.models import CodeFailure

ADDRESS_LIMIT = 20
ADDRESS_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Counter:
    key: str  # an HMAC of what is counted
    limit: int
    window: dt.timedelta


def like_passwords(*parts: object) -> Counter:
    window = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return Counter(_key(*parts), settings.AXES_FAILURE_LIMIT, window)


def per_address(purpose: str, address: str) -> Counter:
    return Counter(_key(purpose, "address", address), ADDRESS_LIMIT, ADDRESS_WINDOW)


def _key(*parts: object) -> str:
    text = "|".join(str(part) for part in parts)
    return salted_hmac("supportsite.sharing.throttle", text, algorithm="sha256").hexdigest()


class Throttle:
    def __init__(self, *counters: Counter) -> None:
        self.counters = counters

    def wait(self) -> dt.timedelta | None:
        """How long before a code may be tried again; None when it may be now."""
        now = timezone.now()
        longest = None
        for counter in self.counters:
            times = list(
                CodeFailure.objects.filter(key=counter.key, at__gt=now - counter.window)
                .order_by("-at")
                .values_list("at", flat=True)[: counter.limit]
            )
            if len(times) < counter.limit:
                continue
            # Free again once the oldest of the last `limit` failures leaves the window.
            left = times[-1] + counter.window - now
            longest = left if longest is None else max(longest, left)
        return longest

    def failed(self) -> None:
        now = timezone.now()
        CodeFailure.objects.bulk_create(
            [CodeFailure(key=counter.key, at=now) for counter in self.counters]
        )

    def forget(self, counter: Counter) -> None:
        """A right code clears that key's failures (the address's stay counted)."""
        CodeFailure.objects.filter(key=counter.key).delete()


def minutes(wait: dt.timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))


def for_invitation_code(request) -> tuple[Throttle, Counter]:
    account = like_passwords("invitation", "account", request.user.pk)
    return Throttle(account, per_address("invitation", client_ip(request))), account


def for_share_code(request, share_id) -> tuple[Throttle, Counter]:
    address = client_ip(request)
    pair = like_passwords("share", share_id, address)
    return Throttle(pair, per_address("share", address)), pair


def purge() -> int:
    longest = max(ADDRESS_WINDOW, dt.timedelta(hours=settings.AXES_COOLOFF_TIME))
    deleted, _by_model = CodeFailure.objects.filter(at__lt=timezone.now() - longest).delete()
    return deleted
