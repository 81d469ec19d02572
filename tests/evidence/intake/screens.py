"""Phone screenshots of conversations, drawn at test time with Debian's DejaVu fonts, each with
the text it shows: the reference the OCR is measured against.

A screen is what a frightened teenager sends: a status bar, a conversation header, a day chip,
chat bubbles (a sender's name above the text in groups, the time under it), an input bar. Light
and dark themes, the sizes of a common Android phone (1080×2400) and of an iPhone (1170×2532,
text drawn at 3×). Emoji are drawn (DejaVu Sans has a few) but are not in the reference: they
are pictures, not letters Tesseract's French and English models know (see `reference`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu/"
ANDROID = (1080, 2400)
IPHONE = (1170, 2532)
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    background: Colour
    bar: Colour
    bar_text: Colour
    incoming: Colour
    outgoing: Colour
    text: Colour
    outgoing_text: Colour
    secondary: Colour  # times, subtitles, the day chip
    names: tuple[Colour, ...]  # senders' names in groups


WHATSAPP_LIGHT = Theme(
    background=(239, 234, 226),
    bar=(255, 255, 255),
    bar_text=(17, 27, 33),
    incoming=(255, 255, 255),
    outgoing=(217, 253, 211),
    text=(17, 27, 33),
    outgoing_text=(17, 27, 33),
    secondary=(102, 119, 129),
    names=((6, 138, 119), (196, 70, 150), (53, 106, 196)),
)
WHATSAPP_DARK = Theme(
    background=(11, 20, 26),
    bar=(32, 44, 51),
    bar_text=(233, 237, 239),
    incoming=(32, 44, 51),
    outgoing=(0, 92, 75),
    text=(233, 237, 239),
    outgoing_text=(233, 237, 239),
    secondary=(134, 150, 160),
    names=((83, 189, 235), (255, 138, 188), (6, 207, 156)),
)
INSTAGRAM_LIGHT = Theme(
    background=(255, 255, 255),
    bar=(255, 255, 255),
    bar_text=(0, 0, 0),
    incoming=(239, 239, 239),
    outgoing=(55, 151, 240),  # white text on blue: the other polarity in the same screen
    text=(0, 0, 0),
    outgoing_text=(255, 255, 255),
    secondary=(115, 115, 115),
    names=((115, 115, 115),),
)
INSTAGRAM_DARK = Theme(
    background=(0, 0, 0),
    bar=(0, 0, 0),
    bar_text=(245, 245, 245),
    incoming=(38, 38, 38),
    outgoing=(120, 60, 230),
    text=(245, 245, 245),
    outgoing_text=(255, 255, 255),
    secondary=(168, 168, 168),
    names=((168, 168, 168),),
)
SMS_LIGHT = Theme(
    background=(255, 255, 255),
    bar=(248, 248, 248),
    bar_text=(0, 0, 0),
    incoming=(233, 233, 235),
    outgoing=(52, 199, 89),
    text=(0, 0, 0),
    outgoing_text=(255, 255, 255),
    secondary=(142, 142, 147),
    names=((142, 142, 147),),
)
DISCORD_DARK = Theme(
    background=(49, 51, 56),
    bar=(43, 45, 49),
    bar_text=(242, 243, 245),
    incoming=(49, 51, 56),
    outgoing=(49, 51, 56),
    text=(219, 222, 225),
    outgoing_text=(219, 222, 225),
    secondary=(148, 155, 164),
    names=((242, 63, 67), (88, 101, 242), (35, 165, 90)),
)


@dataclass(frozen=True)
class Bubble:
    text: str
    time: str
    sender: str | None = None  # None: sent by the person holding the phone


@dataclass(frozen=True)
class Screen:
    name: str
    size: tuple[int, int]
    theme: Theme
    title: str
    subtitle: str
    day: str
    bubbles: tuple[Bubble, ...]
    clock: str = "18:13"
    placeholder: str = "Message"
    scale: float = 1.0  # 1.0: Android's 2.625 density; iPhone text is a little larger
    font: str = "DejaVuSans.ttf"

    @property
    def png(self) -> bytes:
        return _draw(self)[0]

    @property
    def reference(self) -> str:
        """Every line of text the screen shows, top to bottom, emoji left out: Tesseract's
        models have no emoji among their characters, so no OCR can return them as text; what
        it returns in their place (nothing, or a stray mark) is still counted as an error."""
        return "\n".join(without_emoji(line) for line in _draw(self)[1])


def without_emoji(text: str) -> str:
    kept = "".join(
        char for char in text if unicodedata.category(char) != "So" and char not in "\ufe0f\u200d"
    )
    return " ".join(kept.split())


@cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS + name, size)


@cache
def _draw(screen: Screen) -> tuple[bytes, tuple[str, ...]]:
    """The PNG, and the lines of text drawn on it, top to bottom."""
    width, height = screen.size
    theme = screen.theme
    unit = width / 1080 * screen.scale  # 1 dp at 2.625 density ≈ 2.625 px: sizes below in px
    body = _font(screen.font, round(40 * unit))
    bold = _font("DejaVuSans-Bold.ttf", round(36 * unit))
    small = _font(screen.font, round(30 * unit))
    title_font = _font("DejaVuSans-Bold.ttf", round(46 * unit))
    lines: list[str] = []
    image = Image.new("RGB", screen.size, theme.background)
    draw = ImageDraw.Draw(image)

    def text(at: tuple[float, float], words: str, font, fill) -> None:
        draw.text(at, words, font=font, fill=fill, embedded_color=True)
        lines.append(words)

    # Status bar and header.
    draw.rectangle((0, 0, width, round(260 * unit)), fill=theme.bar)
    text((round(50 * unit), round(25 * unit)), screen.clock, small, theme.bar_text)
    text((round(150 * unit), round(110 * unit)), screen.title, title_font, theme.bar_text)
    text((round(150 * unit), round(175 * unit)), screen.subtitle, small, theme.secondary)
    # The day chip.
    top = round(300 * unit)
    chip = draw.textbbox((0, 0), screen.day, font=small)
    chip_width = chip[2] - chip[0]
    left = (width - chip_width) / 2
    draw.rounded_rectangle(
        (left - 30 * unit, top - 15 * unit, left + chip_width + 30 * unit, top + 55 * unit),
        radius=round(20 * unit),
        fill=theme.bar,
    )
    text((left, top), screen.day, small, theme.secondary)
    top += round(110 * unit)
    # The bubbles, until the input bar.
    names: dict[str, tuple[int, int, int]] = {}
    padding, line_height = round(30 * unit), round(52 * unit)
    max_text = width * 0.68
    bottom_limit = height - round(260 * unit)
    for bubble in screen.bubbles:
        wrapped = _wrap(bubble.text, body, max_text)
        inner = max(
            [draw.textlength(line, font=body) for line in wrapped]
            + [draw.textlength(bubble.time, font=small) + 20 * unit]
            + ([draw.textlength(bubble.sender, font=bold)] if bubble.sender else [])
        )
        rows = len(wrapped) + 1 + (1 if bubble.sender else 0)
        bubble_height = rows * line_height + 2 * padding
        if top + bubble_height > bottom_limit:
            break
        mine = bubble.sender is None
        left = width - inner - 2 * padding - 40 * unit if mine else 40 * unit
        colour = theme.outgoing if mine else theme.incoming
        ink = theme.outgoing_text if mine else theme.text
        draw.rounded_rectangle(
            (left, top, left + inner + 2 * padding, top + bubble_height),
            radius=round(28 * unit),
            fill=colour,
        )
        y = top + padding
        if bubble.sender:
            names.setdefault(bubble.sender, theme.names[len(names) % len(theme.names)])
            text((left + padding, y), bubble.sender, bold, names[bubble.sender])
            y += line_height
        for line in wrapped:
            text((left + padding, y), line, body, ink)
            y += line_height
        time_width = draw.textlength(bubble.time, font=small)
        time_ink = ink if mine and theme.outgoing_text != theme.text else theme.secondary
        text((left + padding + inner - time_width, y + 6 * unit), bubble.time, small, time_ink)
        top += bubble_height + round(24 * unit)
    # The input bar.
    draw.rectangle((0, height - round(170 * unit), width, height), fill=theme.bar)
    draw.rounded_rectangle(
        (30 * unit, height - 150 * unit, width - 160 * unit, height - 40 * unit),
        radius=round(55 * unit),
        fill=theme.incoming if theme.incoming != theme.background else theme.background,
    )
    text((round(90 * unit), height - round(118 * unit)), screen.placeholder, body, theme.secondary)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), tuple(lines)


def _wrap(words: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines: list[str] = []
    for word in words.split():
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


GROUP = (
    Bubble("Vous avez vu la photo de Zoé ? 😂😂", "18:02", "Lucas"),
    Bubble("Trop drôle, elle ressemble à rien", "18:03", "Inès"),
    Bubble("Arrêtez, c’est pas marrant", "18:05"),
    Bubble("Personne t’a demandé ton avis, l’intello", "18:06", "Lucas"),
    Bubble("Demain à la récré on s’occupe d’elle ☠", "18:07", "Théo"),
    Bubble("Même sa sœur a honte d’elle", "18:09", "Inès"),
    Bubble("Ça suffit, je vais le dire à la CPE", "18:11"),
    Bubble("Vas-y balance, on verra bien où ça te mène", "18:13", "Lucas"),
)
PRIVATE = (
    Bubble("T’es vraiment qu’une bouffonne", "22:41", "kevin_du_93"),
    Bubble("Pourquoi tu me parles comme ça ?", "22:42"),
    Bubble("Parce que tout le monde sait ce que t’as fait", "22:43", "kevin_du_93"),
    Bubble("Si tu supprimes pas ta vidéo je la mets sur le groupe ♥", "22:44", "kevin_du_93"),
    Bubble("Laisse-moi tranquille s’il te plaît", "22:47"),
    Bubble("Dernier avertissement, tu as jusqu’à jeudi", "22:51", "kevin_du_93"),
    Bubble("Je garde tout, j’ai fait des captures", "22:52"),
)
ENGLISH = (
    Bubble("lol she's such a loser", "9:14 PM", "Jake"),
    Bubble("Everyone knows what you did last week", "9:15 PM", "Jake"),
    Bubble("Please stop sending me this", "9:16 PM"),
    Bubble("Delete your account or I'll post it everywhere ★", "9:18 PM", "Jake"),
    Bubble("I'm telling my parents", "9:20 PM"),
)
ACCENTS = (
    Bubble("Où êtes-vous allés à Noël ? À Besançon chez Loïc", "10:05", "Maëlle"),
    Bubble("Déjà ? L’été dernier c’était à Saint-Étienne", "10:06"),
    Bubble("Œuvre complète, cœur brisé, naïf et ambiguë", "10:07", "Maëlle"),
    Bubble("Ça, c’est la façon dont il a reçu le reçu", "10:09"),
    Bubble("Goûte le pâté, il coûte cher mais c’est sûr", "10:12", "Maëlle"),
    Bubble("Règle n° 1 : ne jamais répondre à ces élèves", "10:14"),
)
MIXED = (
    Bubble("Regarde ce que Noah a posté sur TikTok 😂", "hier 18:13", "Sarah"),
    Bubble("C’est la 3e fois cette semaine", "18:15"),
    Bubble("Il a repost la vidéo le 24/11/2026 à 18:13", "18:16", "Sarah"),
    Bubble("Le compte @noah.officiel l’a partagée il y a 3 j", "18:20", "Sarah"),
    Bubble("J’ai signalé, j’attends la réponse", "18:22"),
)

SCREENS = (
    Screen(
        "whatsapp group, light, android",
        ANDROID,
        WHATSAPP_LIGHT,
        "3e B ✌",
        "Lucas, Inès, Théo, Vous",
        "AUJOURD’HUI",
        GROUP,
    ),
    Screen(
        "whatsapp group, dark, android",
        ANDROID,
        WHATSAPP_DARK,
        "3e B ✌",
        "Lucas, Inès, Théo, Vous",
        "AUJOURD’HUI",
        GROUP,
    ),
    Screen(
        "whatsapp group, light, iphone",
        IPHONE,
        WHATSAPP_LIGHT,
        "3e B ✌",
        "Lucas, Inès, Théo, Vous",
        "Aujourd’hui",
        GROUP,
        scale=1.08,
    ),
    Screen(
        "whatsapp group, dark, iphone",
        IPHONE,
        WHATSAPP_DARK,
        "3e B ✌",
        "Lucas, Inès, Théo, Vous",
        "Aujourd’hui",
        GROUP,
        scale=1.08,
    ),
    Screen(
        "instagram private, light, iphone",
        IPHONE,
        INSTAGRAM_LIGHT,
        "kevin_du_93",
        "Actif il y a 5 min",
        "24 nov. 2026, 22:41",
        PRIVATE,
        placeholder="Écrire un message...",
        scale=1.08,
    ),
    Screen(
        "instagram private, dark, android",
        ANDROID,
        INSTAGRAM_DARK,
        "kevin_du_93",
        "Actif il y a 5 min",
        "24 nov. 2026, 22:41",
        PRIVATE,
        placeholder="Écrire un message...",
    ),
    Screen(
        "sms, light, iphone, english",
        IPHONE,
        SMS_LIGHT,
        "Jake",
        "iMessage",
        "Yesterday 9:14 PM",
        ENGLISH,
        clock="9:41",
        placeholder="iMessage",
        scale=1.08,
    ),
    Screen(
        "whatsapp, light, android, accents",
        ANDROID,
        WHATSAPP_LIGHT,
        "Maëlle",
        "en ligne",
        "LUNDI",
        ACCENTS,
    ),
    Screen(
        "whatsapp, dark, iphone, accents",
        IPHONE,
        WHATSAPP_DARK,
        "Maëlle",
        "en ligne",
        "Lundi",
        ACCENTS,
        scale=1.08,
    ),
    Screen(
        "discord, dark, android",
        ANDROID,
        DISCORD_DARK,
        "# général",
        "Serveur de la 3e B",
        "24 novembre 2026",
        MIXED,
        placeholder="Envoyer un message dans #général",
    ),
    Screen(
        "whatsapp, light, iphone, dates",
        IPHONE,
        WHATSAPP_LIGHT,
        "Sarah",
        "vu aujourd’hui à 18:30",
        "HIER",
        MIXED,
        scale=1.08,
    ),
    Screen(
        "sms, light, android, condensed font",
        ANDROID,
        SMS_LIGHT,
        "kevin_du_93",
        "SMS",
        "Mardi 24 novembre",
        PRIVATE,
        font="DejaVuSansCondensed.ttf",
    ),
)
