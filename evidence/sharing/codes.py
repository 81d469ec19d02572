"""The secrets of invitations and shares: a link's token and a short code, and their digests.

- A link's token: 32 random bytes (`secrets.token_urlsafe`), 256 bits, 43 characters.
- A code: 12 characters of Crockford's base 32 (digits and capitals without I, L, O, U), 60
  bits, shown in three groups of four ("7KQ2-M9XD-4HTB") to be read aloud or typed; typed in
  small letters, with spaces or dashes, or with O for 0 and I or L for 1, it still reads.

Neither is kept in clear to be looked up: rows are found by an HMAC (SHA-256, keyed with
SECRET_KEY) of the token or code, so that the database alone opens nothing. 60 bits against
the throttling of wrong codes (evidence/sharing/throttling.py): even a thousand addresses each
guessing as fast as allowed (20 an hour) for the 48 hours an invitation lives would try 10^6
codes, a chance of about 10^-12 per live invitation.
"""

from __future__ import annotations

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CODE_LENGTH = 12
CODE_BITS = CODE_LENGTH * 5  # 60
TOKEN_BYTES = 32
TOKEN_BITS = TOKEN_BYTES * 8  # 256
# What a token looks like in a URL (evidence/sharing/urls.py): token_urlsafe(32) is 43 long.
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """In groups of four, to be read aloud or copied: "7KQ2-M9XD-4HTB"."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def normalised(typed: str) -> str:
    """The code as typed, read as the code: capitals, no spaces or dashes, O as 0, I and L as 1."""
    kept = "".join(typed.split()).replace("-", "").upper()
    return kept.translate(_READ_AS)


def looks_like_a_code(typed: str) -> bool:
    code = normalised(typed)
    return len(code) == CODE_LENGTH and all(char in ALPHABET for char in code)


def digest(purpose: str, secret: str) -> str:
    """The HMAC-SHA256 of a token or a code, for one purpose ("invitation-code"…)."""
    return salted_hmac(f"supportsite.sharing.{purpose}", secret, algorithm="sha256").hexdigest()


def matches(purpose: str, secret: str, expected: str) -> bool:
    return bool(expected) and constant_time_compare(digest(purpose, secret), expected)
