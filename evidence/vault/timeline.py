"""The dossier's timeline: pieces by publication day, with the number of distinct authors, so
that repetition (one author on many days) and pile-ons (several authors the same day) show.
Messages chosen in an exported conversation are pieces dated to the second by the export: each
day also counts them.

The chart is an SVG made here, in Python, with classes only (no style attributes: the CSP
allows none); the table beside it is its text alternative.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evidence.models import Kind, Piece

# Beyond this many days, the chart shows weeks (the table stays by day).
DAYS_IN_A_DAILY_CHART = 92
PILE_ON_AUTHORS = 2
# Drawn at about the width of a phone, so that its text is read at its own size there.
_WIDTH, _HEIGHT = 360, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 28, 8, 14, 34


def author_key(displayed: str) -> str:
    """ "@Tom_75 " and "tom_75" are the same author."""
    return displayed.strip().lstrip("@").casefold()


@dataclass
class Day:
    date: dt.date
    pieces: list[Piece] = field(default_factory=list)
    authors: dict[str, str] = field(default_factory=dict)  # key → as first displayed

    @property
    def count(self) -> int:
        return len(self.pieces)

    @property
    def messages(self) -> int:
        """Pieces that are messages (those chosen in an exported conversation among them)."""
        return sum(1 for piece in self.pieces if piece.kind == Kind.TEXT)

    @property
    def is_pile_on(self) -> bool:
        return len(self.authors) >= PILE_ON_AUTHORS


@dataclass(frozen=True)
class RepeatedAuthor:
    name: str
    days: int
    pieces: int


@dataclass
class Timeline:
    days: list[Day]
    undated: list[Piece]
    repeated_authors: list[RepeatedAuthor]

    @property
    def pile_on_days(self) -> list[Day]:
        return [day for day in self.days if day.is_pile_on]

    @property
    def dated_count(self) -> int:
        return sum(day.count for day in self.days)


def build(pieces: Iterable[Piece]) -> Timeline:
    by_day: dict[dt.date, Day] = {}
    undated: list[Piece] = []
    author_days: dict[str, set[dt.date]] = defaultdict(set)
    author_pieces: dict[str, int] = defaultdict(int)
    author_names: dict[str, str] = {}
    for piece in pieces:
        if not (piece.published_is_absolute and piece.published_date):
            undated.append(piece)
            continue
        day = by_day.setdefault(piece.published_date, Day(piece.published_date))
        day.pieces.append(piece)
        key = author_key(piece.author_displayed)
        if key:
            day.authors.setdefault(key, piece.author_displayed.strip())
            author_days[key].add(piece.published_date)
            author_pieces[key] += 1
            author_names.setdefault(key, piece.author_displayed.strip())
    repeated = sorted(
        (
            RepeatedAuthor(author_names[key], len(days), author_pieces[key])
            for key, days in author_days.items()
            if len(days) > 1
        ),
        key=lambda author: (-author.days, author.name.casefold()),
    )
    days = [by_day[date] for date in sorted(by_day)]
    for day in days:
        day.pieces.sort(key=lambda piece: (piece.published_time or dt.time.min, piece.number))
    return Timeline(days, undated, repeated)


@dataclass(frozen=True)
class _Bar:
    start: dt.date
    count: int
    pile_on: bool
    label: str


def _bars(timeline: Timeline) -> list[_Bar]:
    first, last = timeline.days[0].date, timeline.days[-1].date
    counts = {day.date: day for day in timeline.days}
    if (last - first).days < DAYS_IN_A_DAILY_CHART:
        bars = []
        for offset in range((last - first).days + 1):
            date = first + dt.timedelta(days=offset)
            day = counts.get(date)
            bars.append(
                _Bar(date, day.count if day else 0, bool(day and day.is_pile_on), _short(date))
            )
        return bars
    monday = first - dt.timedelta(days=first.weekday())
    bars = []
    while monday <= last:
        week = [counts[d] for d in counts if monday <= d < monday + dt.timedelta(days=7)]
        label = _("week of %(date)s") % {"date": _short(monday)}
        bars.append(
            _Bar(monday, sum(d.count for d in week), any(d.is_pile_on for d in week), label)
        )
        monday += dt.timedelta(days=7)
    return bars


def _short(date: dt.date) -> str:
    return formats.date_format(date, "SHORT_DATE_FORMAT")


def svg(timeline: Timeline) -> SafeString:
    """The chart as an inline <svg>: one bar per day (or week), pile-on bars marked."""
    if not timeline.days:
        return mark_safe("")
    bars = _bars(timeline)
    highest = max(bar.count for bar in bars) or 1
    plot_width = _WIDTH - _LEFT - _RIGHT
    plot_height = _HEIGHT - _TOP - _BOTTOM
    step = plot_width / len(bars)
    bar_width = max(step * 0.7, 1.0)
    parts = []
    for level in sorted({0, highest // 2, highest}):
        y = _TOP + plot_height - plot_height * level / highest
        parts.append(
            format_html(
                '<line class="timeline-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="timeline-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                _LEFT,
                _num(y),
                _WIDTH - _RIGHT,
                _num(y),
                _LEFT - 6,
                _num(y + 4),
                level,
            )
        )
    for index, bar in enumerate(bars):
        if not bar.count:
            continue
        height = plot_height * bar.count / highest
        x = _LEFT + index * step + (step - bar_width) / 2
        y = _TOP + plot_height - height
        css = "timeline-bar timeline-bar--pile-on" if bar.pile_on else "timeline-bar"
        title = ngettext("%(label)s: %(count)s piece", "%(label)s: %(count)s pieces", bar.count)
        parts.append(
            format_html(
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
                css,
                _num(x),
                _num(y),
                _num(bar_width),
                _num(height),
                title % {"label": bar.label, "count": bar.count},
            )
        )
    positions = _label_positions(len(bars))
    for index in positions:
        # The outer labels align on the chart's edges, so that none is cut off.
        if len(positions) > 1 and index == positions[0]:
            x, anchor = _LEFT + index * step, "start"
        elif len(positions) > 1 and index == positions[-1]:
            x, anchor = _LEFT + (index + 1) * step, "end"
        else:
            x, anchor = _LEFT + index * step + step / 2, "middle"
        parts.append(
            format_html(
                '<text class="timeline-axis" x="{}" y="{}" text-anchor="{}">{}</text>',
                _num(x),
                _HEIGHT - _BOTTOM + 18,
                anchor,
                bars[index].label,
            )
        )
    summary = escape(describe(timeline))
    return mark_safe(
        f'<svg class="timeline-chart" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" '
        f'aria-labelledby="timeline-chart-title" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="timeline-chart-title">{summary}</title>{"".join(parts)}</svg>'
    )


def describe(timeline: Timeline) -> str:
    """One sentence for the chart's title: what a sighted reader gets from it at a glance."""
    if not timeline.days:
        return ""
    text = ngettext(
        "%(count)s piece over %(days)s day",
        "%(count)s pieces over %(days)s days",
        timeline.dated_count,
    ) % {
        "count": timeline.dated_count,
        "days": (timeline.days[-1].date - timeline.days[0].date).days + 1,
    }
    pile_ons = len(timeline.pile_on_days)
    if pile_ons:
        text += ", " + ngettext(
            "%(count)s day with several authors",
            "%(count)s days with several authors",
            pile_ons,
        ) % {"count": pile_ons}
    return text + "."


def _label_positions(count: int) -> list[int]:
    """First, last and one in between, never crowded (a date label is ~70 units wide)."""
    if count <= 1:
        return [0]
    most = 3
    if count <= most:
        return list(range(count))
    return sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
