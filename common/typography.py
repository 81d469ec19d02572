"""French typography for the letter and the dossier PDF, which go to French authorities.

A narrow no-break space goes before ; : ! ? and inside « », a no-break space after "n°", the
apostrophe is the typographic one (’); nothing is touched where that would change what was
typed: web and email addresses, times ("14:30"), and verbatim spans (`verbatim()`: a
pseudonym, a transcript), which are evidence and are kept exactly as written.
"""

from __future__ import annotations

import re

from common.dates import NNBSP

NBSP = "\u00a0"
# Private-use characters around a verbatim span; typography() removes them.
_OPEN, _CLOSE, _HELD = "\ue000", "\ue001", "\ue002"
_KEPT = re.compile(
    rf"{_OPEN}.*?{_CLOSE}"  # verbatim
    r"|(?:https?://|www\.)\S+"  # a web address, up to the next space
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # an email address
    re.DOTALL,
)
_SPACES = f"[ {NBSP}{NNBSP}]"
# High punctuation used as punctuation: after a word (and any spaces), followed by a space,
# the end, or a closing mark. "14:30", "C:\", "Yahoo!Mail" are left alone.
_HIGH = re.compile(rf"(?<=[^\s{NBSP}{NNBSP}]){_SPACES}*([;:!?]+)(?=\s|$|[»)\]\"'’,.…])")


def verbatim(text: str) -> str:
    """Mark `text` to be kept exactly as typed by typography()."""
    return f"{_OPEN}{text.replace(_OPEN, '').replace(_CLOSE, '')}{_CLOSE}"


def typography(text: str) -> str:
    """The text with French spacing, verbatim spans, addresses and times kept as they are."""
    kept: list[str] = []

    def hold(match: re.Match) -> str:
        kept.append(match.group().strip(_OPEN + _CLOSE))
        return f"{_HELD}{len(kept) - 1}{_HELD}"  # a word, as far as spacing goes

    text = _prose(_KEPT.sub(hold, text.replace(_HELD, "")))
    return re.sub(f"{_HELD}(\\d+){_HELD}", lambda match: kept[int(match.group(1))], text)


def _prose(text: str) -> str:
    text = _HIGH.sub(lambda match: NNBSP + match.group(1), text)
    text = re.sub(rf"«{_SPACES}*", "«" + NNBSP, text)
    text = re.sub(rf"(?<=\S){_SPACES}*»", NNBSP + "»", text)
    text = re.sub(r"\b([Nn]°) (?=\d)", r"\1" + NBSP, text)
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", text)
