"""The letter to the procureur de la République, in formal French.

It holds every element a complaint letter needs (legal-fr.md §2, service-public.fr F34124):
the complainant's civil status and contact, a detailed account with dates and places, the
presumed author or "contre X", the witnesses, the harm and its estimate, the list of enclosed
pieces, the place, the date and the signature. What the user has not given yet is written as a
visible "[à compléter : …]" so that nothing is silently missing.

It is written anew from the dossier at every export, never stored: its count of pieces is
always the bordereau's. The person's own words (their account of the facts, what they add)
are kept apart in the complaint and come in as paragraphs of their own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from common.dates import french_date, french_datetime
from common.typography import typography, verbatim
from evidence.complaint import qualification
from evidence.complaint.data import Complaint, Person
from evidence.export.document.data import ChronologyEntry, DossierExport, Offence, RemovedPiece

GAP = re.compile(r"\[à compléter\s*:\s*([^\]]+)\]")  # the colon follows a narrow space
PROCUREUR = "Madame, Monsieur le procureur de la République"
# How the facts were committed, in the words of art. 222-33-2-2, 4°, by where they were seen.
PUBLIC_MEANS = "au moyen d'un service de communication au public en ligne"
PRIVATE_MEANS = "par le biais d'un support numérique ou électronique"
MEANS = {
    "public": PUBLIC_MEANS,
    "private": PRIVATE_MEANS,
    "both": f"{PUBLIC_MEANS} et {PRIVATE_MEANS}",
}
UNKNOWN_MEANS = f"{PUBLIC_MEANS} ou {PRIVATE_MEANS}"
ANCHORS = {"capture": "date de la capture", "receipt": "date de réception par le serveur"}
INITIAL = re.compile(r"(?:^|\s)[A-ZÀ-Ý]\.$")  # "Kevin L."


def gaps(text: str) -> list[str]:
    """What the letter still marks "[à compléter : …]", each once."""
    return list(dict.fromkeys(GAP.findall(text)))


def _missing(what: str) -> str:
    return f"[à compléter : {what}]"


# --- Grammar: who speaks, and how each person is written --------------------------------------


def _agree(person: Person, masculine: str, feminine: str, neutral: str) -> str:
    """The word as it agrees with the person: neutral only when nobody said."""
    return {"madame": feminine, "monsieur": masculine}.get(person.written_as, neutral)


def _agree_all(people: Sequence[Person], masculine: str, feminine: str, neutral: str) -> str:
    """The plural word: feminine when all are women, masculine when any is a man."""
    civilities = {person.written_as for person in people}
    if civilities == {"madame"}:
        return feminine
    return masculine if "monsieur" in civilities else neutral


@dataclass(frozen=True)
class _Voice:
    """The first person of the letter: "je", or "nous" when two legal representatives sign."""

    plural: bool

    def say(self, singular: str, plural: str) -> str:
        return plural if self.plural else singular


def _join(words: Sequence[str]) -> str:
    """ "a", "a et b", "a, b et c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def _of(name: str) -> str:
    """ "de Léa", "d'Inès": French elides "de" before a vowel or a mute h."""
    return f"d'{name}" if name[:1].casefold() in "aeiouàâéèêëîïôûùüh" else f"de {name}"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _line(text: str) -> str:
    """A person's text on one line, as typed."""
    return " ".join(text.split())


def _bare(text: str) -> str:
    """A person's text where punctuation follows: one line, without its own final stop,
    semicolon, comma or colon, so that no ". ;" is ever written."""
    return _line(text).rstrip(" .;,:")


def _name(text: str) -> str:
    """A name where punctuation follows: the point of an initial ("Kevin L.") belongs to the
    name and stays, as French keeps it before a semicolon."""
    text = _line(text).rstrip(" ;,:")
    return text if INITIAL.search(text) else text.rstrip(" .;,:")


def _items(lines: Sequence[str], *, last: str = ".") -> list[str]:
    """A French list: a dash before each item, a semicolon after, `last` after the last one;
    an item that ends with ! ? or … keeps its own mark. Each item comes without a final stop
    of its own (`_bare`, `_name`)."""
    items = []
    for index, line in enumerate(lines):
        end = last if index == len(lines) - 1 else " ;"
        if line.endswith(".") and end == ".":
            end = ""  # an initial's point is the full stop too
        if line.endswith(("!", "?", "…")):
            end = ""
        items.append(f"– {line}{end}")
    return items


def _paragraphs(text: str) -> list[str]:
    """The person's own text, paragraph by paragraph, as they wrote it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


# --- What happened: the subject and the facts --------------------------------------------------


def what_happened(dossier: DossierExport) -> list[str]:
    """What the complaint is about, in a few words each, gravest first: the subject of the
    letter and the title of the dossier. Named from the facts declared (the acts of the
    questionnaire, what the person confirmed) and the offences cited: a single act of
    blackmail is "chantage", harassment only when the acts were repeated."""
    acts = set(dossier.facts.get("acts", ()))
    confirmed = dossier.complaint.confirmed
    cited = {offence.id for offence in qualification.cited(dossier)}
    minor = dossier.complaint.victim_is_minor or dossier.facts.get("victim_age") in (
        "under_15",
        "15_17",
    )
    found = []
    if "death_threats" in acts:
        found.append("menaces de mort")
    elif "threats" in acts:
        found.append("menaces")
    if "sextortion" in acts:
        found.append("chantage à caractère sexuel (sextorsion)")
    if "222-33-2-3" in cited:
        found.append("harcèlement scolaire")
    elif "222-33-2-1" in cited:
        found.append("harcèlement par un conjoint ou ex-conjoint")
    elif cited & qualification.HARASSMENT:
        found.append("cyberharcèlement")
    if "intimate_images" in acts:
        if "real_images" in confirmed:
            found.append("diffusion d'images intimes sans consentement")
        if "faked_images" in confirmed:
            found.append("diffusion de montages à caractère sexuel")
        if not confirmed & {"real_images", "faked_images"}:
            found.append("diffusion d'images à caractère sexuel")
    if "sexual_solicitation" in acts:
        found.append("propositions sexuelles à un mineur" if minor else "sollicitations sexuelles")
    if "humiliating_media" in acts:
        found.append(
            "atteinte à la vie privée"
            if "taken_in_private" in confirmed
            else "diffusion d'images humiliantes"
        )
    if "doxxing" in acts:
        found.append("divulgation d'informations personnelles")
    if acts & {"impersonation", "orders_in_name"}:
        found.append("usurpation d'identité")
    if "hacking" in acts:
        found.append("piratage de compte")
    if "insults" in acts:
        found.append("injures")
    if acts & {"defamation", "rumours"}:
        found.append("diffamation")
    return found


def title(dossier: DossierExport) -> str:
    """What happened, as the dossier's cover names it: "Menaces de mort et injures"."""
    happened = _join(what_happened(dossier)) if what_happened(dossier) else ""
    return typography(happened[:1].upper() + happened[1:])


def subject(dossier: DossierExport) -> str:
    """ "plainte contre X pour menaces de mort et injures"."""
    against = " contre X" if dossier.complaint.against_x else ""
    happened = what_happened(dossier)
    return f"plainte{against}" + (f" pour {_join(happened)}" if happened else "")


def _means(dossier: DossierExport) -> str:
    visibility = dossier.facts.get("visibility")
    if visibility not in MEANS:  # not said in the questionnaire: perhaps in the complaint
        confirmed = dossier.complaint.confirmed
        public, private = "public_words" in confirmed, "private_words" in confirmed
        visibility = "both" if public and private else "public" if public else (
            "private" if private else None
        )  # fmt: skip
    return MEANS.get(visibility or "", UNKNOWN_MEANS)


def _on_date(entry: ChronologyEntry) -> str:
    if entry.approximate:
        return f"au plus tard le {french_date(entry.date)}"
    return f"le {french_date(entry.date)}"


def _span(dossier: DossierExport) -> str:
    first, last = dossier.period
    if first is None or last is None:
        return _missing("dates des faits")
    if first.date == last.date:
        return _on_date(first)
    approx = " (date approximative)"
    return (
        f"entre le {french_date(first.date)}{approx if first.approximate else ''} "
        f"et le {french_date(last.date)}{approx if last.approximate else ''}"
    )


def _chronology_item(entry: ChronologyEntry) -> str:
    when = _on_date(entry)
    dating = entry.dating
    if dating is not None and dating.approximate:
        shown = (
            f"date lue à l'écran : « {verbatim(_bare(dating.shown))} »"
            if dating.shown
            else "date de publication non relevée"
        )
        when += f", {ANCHORS[dating.anchor]} ({shown})"
    piece = f" (pièce n° {entry.piece_number})" if entry.piece_number else ""
    return f"{when} : {_bare(entry.text)}{piece}"


def _facts(dossier: DossierExport, voice: _Voice) -> list[str]:
    complaint = dossier.complaint
    platforms = list(dict.fromkeys(p.platform for p in dossier.pieces if p.platform))
    where = f", sur {_join(platforms)}" if platforms else ""
    repeated = qualification.is_repeated(dossier)
    harassment = any(o.id in qualification.HARASSMENT for o in qualification.cited(dossier))
    if complaint.victim_is_minor:
        who, own, health = voice.say("Mon enfant", "Notre enfant") + " a été", "ses", "sa santé"
    else:
        who, own, health = "J'ai été", "mes", "ma santé"
    effect = f", qui dégradent {own} conditions de vie et altèrent {health}" if harassment else ""
    facts = "faits répétés" if repeated else "faits"
    paragraphs = [
        f"{who} victime, {_span(dossier)}{where}, de {facts} commis {_means(dossier)}{effect}."
    ]
    paragraphs += _paragraphs(complaint.facts_account)
    entries = dossier.chronology()
    if entries:
        intro = "En voici le détail, dans l'ordre chronologique :" if len(entries) > 1 else (
            "En voici le détail :"
        )  # fmt: skip
        paragraphs.append("\n".join([intro, *_items([_chronology_item(e) for e in entries])]))
    elif not complaint.facts_account:
        paragraphs.append(_missing("récit des faits, avec les dates et les lieux"))
    return paragraphs


# --- The other parts ---------------------------------------------------------------------------


def cite(article: str) -> str:
    """The reference as running text cites it: "art. 222-33-2-2 du Code pénal", "loi du 29
    juillet 1881, art. 33" (the content writes them as a heading would: "Art.", "Loi")."""
    return article[:1].lower() + article[1:] if article.startswith(("Art.", "Loi ")) else article


def _offences(cited: Sequence[Offence], voice: _Voice) -> str:
    if not cited:
        return ""
    lines = []
    for offence in cited:
        title = offence.title[:1].lower() + offence.title[1:]
        condition = qualification.confirmed_condition(offence)
        lines.append(
            f"{title} ({cite(offence.article)})" + (f" : {condition}" if condition else "")
        )
    intro = (
        f"Ces faits {voice.say('me', 'nous')} paraissent pouvoir recevoir, notamment, "
        f"{'la qualification suivante' if len(cited) == 1 else 'les qualifications suivantes'}"
        f", que {voice.say('je soumets', 'nous soumettons')} à votre appréciation :"
    )
    return "\n".join([intro, *_items(lines)])


def _pseudonyms(pseudonyms: Sequence[str]) -> str:
    quoted = [f"« {verbatim(p)} »" for p in pseudonyms]
    if len(quoted) == 1:
        return f"utilisant le pseudonyme {quoted[0]}"
    return f"utilisant les pseudonymes {_join(quoted)}"


def _authors(complaint: Complaint, voice: _Voice) -> str:
    files = voice.say("je dépose", "nous déposons")
    if complaint.against_x:
        return (
            f"L'auteur des faits n'étant pas identifié, {files} plainte contre X, "
            "ainsi que contre toute personne que l'enquête permettra d'identifier."
        )
    lines = []
    for suspect in complaint.suspects:
        parts = [_name(suspect.name) or "une personne non identifiée"]
        if suspect.pseudonyms:
            parts.append(_pseudonyms(suspect.pseudonyms))
        if suspect.details:
            parts.append(_bare(suspect.details))
        lines.append(", ".join(parts))
    return "\n".join(
        [
            f"{files.capitalize()} plainte contre :",
            *_items(lines, last=" ;"),
            "ainsi que contre toute autre personne que l'enquête permettra d'identifier.",
        ]
    )


def _witnesses(complaint: Complaint, voice: _Voice) -> str:
    if not complaint.witnesses:
        have = voice.say("Je n'ai", "Nous n'avons")
        return f"{have} pas, à ce jour, de témoin à citer."
    lines = [
        ", ".join(filter(None, [_name(w.name), _bare(w.contact)])) for w in complaint.witnesses
    ]
    intro = (
        "La personne suivante peut témoigner :"
        if len(lines) == 1
        else "Les personnes suivantes peuvent témoigner :"
    )
    return "\n".join([intro, *_items(lines)])


def _harm(complaint: Complaint, voice: _Voice) -> str:
    harm = complaint.harm
    if complaint.victim_is_minor:
        to_whom = f"causent à {voice.say('mon', 'notre')} enfant"
    else:
        to_whom = "me causent"
    if harm.is_empty():
        return f"Ces faits {to_whom} un préjudice : {_missing('description du préjudice')}."
    lines = [
        f"{label} : {_bare(value)}"
        for label, value in (
            ("santé", harm.health),
            ("scolarité ou travail", harm.school_or_work),
            ("sommeil", harm.sleep),
            ("vie sociale", harm.social_life),
            ("frais engagés", harm.costs),
        )
        if _bare(value)
    ]
    if harm.medical_certificate:
        itt = (
            f", avec une ITT de {_plural(harm.itt_days, 'jour', 'jours')}" if harm.itt_days else ""
        )
        lines.append(f"un certificat médical a été établi{itt} (joint au dossier)")
    return "\n".join([f"Ces faits {to_whom} un préjudice important :", *_items(lines)])


def _pieces(dossier: DossierExport, voice: _Voice) -> str:
    pieces = dossier.pieces
    if not pieces:
        return "Pièces jointes : " + _missing("captures d'écran, certificats, documents")
    count = len(pieces)
    joined = _plural(count, "pièce, numérotée", "pièces, numérotées")
    lines = [f"pièce n° {p.number} : {_bare(p.title)}" for p in pieces]
    intro = (
        f"{voice.say('Je joins', 'Nous joignons')} à la présente plainte {joined} et décrite"
        f"{'s' if count > 1 else ''} dans le bordereau joint, ainsi que "
        f"{'son empreinte numérique' if count == 1 else 'leurs empreintes numériques'} (SHA-256) :"
    )
    return "\n".join([intro, *_items(lines), *map(_removed, dossier.removed_pieces)])


def _removed(piece: RemovedPiece) -> str:
    """Why a number is missing: numbers are never reused (the custody log keeps the removal)."""
    when = f" le {french_datetime(piece.removed_at)}" if piece.removed_at else ""
    return f"La pièce n° {piece.number} a été retirée du dossier{when} : elle n'est pas jointe."


def _signers(complaint: Complaint) -> tuple[Person, ...]:
    if complaint.victim_is_minor:
        return complaint.representatives or (complaint.complainant,)
    return (complaint.complainant,)


def _identity(person: Person, *, who: str, relationship: bool = False) -> str:
    name = _name(person.name) or _missing(f"nom et prénom {who}")
    kin = f" ({_bare(person.relationship)})" if relationship and person.relationship else ""
    if person.birth_date:
        place = f" à {_bare(person.birth_place)}" if person.birth_place else ""
        born = f", {_agree(person, 'né', 'née', 'né(e)')} le {person.birth_date}{place}"
    else:
        born = f", {_missing('date et lieu de naissance')}"
    job = f", {_bare(person.occupation)}" if person.occupation else ""
    address = ", ".join(_bare(line) for line in person.address.splitlines() if _bare(line))
    contact = ", ".join(filter(None, [person.phone, person.email])) or _missing(
        "téléphone ou courriel"
    )
    return f"{name}{kin}{born}{job}, demeurant {address or _missing('adresse')} ({contact})"


def _opening(complaint: Complaint, signers: Sequence[Person], voice: _Voice) -> str:
    if not complaint.victim_is_minor:
        person = signers[0]
        undersigned = _agree(person, "soussigné", "soussignée", "soussigné(e)")
        return (
            f"Je {undersigned}, {_identity(person, who='du plaignant')}, ai l'honneur de "
            "déposer plainte pour les faits exposés ci-dessous."
        )
    child = complaint.victim
    child_name = _name(child.name) or _missing("nom et prénom de l'enfant")
    born = (
        f", {_agree(child, 'né', 'née', 'né(e)')} le {child.birth_date}" if child.birth_date else ""
    )
    minor = _agree(child, "mineur", "mineure", "mineur(e)")
    who = " et ".join(
        _identity(r, who="du représentant légal", relationship=voice.plural) for r in signers
    )
    if voice.plural:
        undersigned = _agree_all(signers, "soussignés", "soussignées", "soussigné(e)s")
        quality = _agree_all(
            signers, "représentants légaux", "représentantes légales", "représentant(e)s légaux"
        )
    else:
        representative = signers[0]
        undersigned = _agree(representative, "soussigné", "soussignée", "soussigné(e)")
        quality = _agree(
            representative, "représentant légal", "représentante légale", "représentant(e) légal(e)"
        )
        if representative.relationship:
            quality = f"{_bare(representative.relationship)} et {quality}"
    return (
        f"{voice.say('Je', 'Nous')} {undersigned}, {who}, agissant en qualité de {quality} "
        f"{_of(child_name)}{born}, {minor}, {voice.say('ai', 'avons')} l'honneur de déposer "
        f"plainte au nom de {voice.say('mon', 'notre')} enfant pour les faits exposés ci-dessous."
    )


def recipient(complaint: Complaint) -> str:
    """To whom the letter goes: the procureur near the chosen tribunal judiciaire."""
    city = _bare(complaint.tribunal_city) or _missing("ville du tribunal judiciaire")
    return typography(f"{PROCUREUR} près le tribunal judiciaire de {city}")


def filed_by(complaint: Complaint) -> str:
    """Who files the complaint, as the cover says: "Anne Martin (mère) et Paul Martin (père)"."""
    names = []
    for person in _signers(complaint):
        kin = f" ({_bare(person.relationship)})" if person.relationship else ""
        names.append((_name(person.name) or _missing("nom de la personne qui signe")) + kin)
    return typography(_join(names))


def on_behalf_of(complaint: Complaint) -> str:
    """For a child, whom the representatives act for: "Léa Martin, mineure"; else ""."""
    if not complaint.victim_is_minor:
        return ""
    child = complaint.victim
    name = _name(child.name) or _missing("nom et prénom de l'enfant")
    return typography(f"{name}, {_agree(child, 'mineur', 'mineure', 'mineur(e)')}")


def compose_letter(dossier: DossierExport, today: dt.date | None = None) -> str:
    """The letter's full text, paragraphs apart by a blank line, in French typography."""
    complaint = dossier.complaint
    today = today or dossier.generated_at.date()
    signers = _signers(complaint)
    voice = _Voice(plural=len(signers) > 1)
    if complaint.partie_civile:
        partie_civile = (
            f"{voice.say('Je déclare me', 'Nous déclarons nous')} constituer partie civile et "
            f"{voice.say('demande', 'demandons')} réparation de l'entier préjudice subi."
        )
    else:
        partie_civile = (
            f"{voice.say('Je me réserve', 'Nous nous réservons')} le droit de "
            f"{voice.say('me', 'nous')} constituer partie civile."
        )
    names = [_name(person.name) or _missing("nom de la personne qui signe") for person in signers]
    place = _bare(complaint.place) or _missing("ville où la lettre est signée")
    sections = [
        recipient(complaint).replace(" près le", "\nprès le", 1),
        f"Objet : {subject(dossier)}",
        f"{PROCUREUR},",
        _opening(complaint, signers, voice),
        *_facts(dossier, voice),
        _offences(qualification.cited(dossier), voice),
        _authors(complaint, voice),
        _witnesses(complaint, voice),
        _harm(complaint, voice),
        _pieces(dossier, voice),
        *_paragraphs(complaint.letter_additions),
        partie_civile,
        f"{voice.say('Je vous prie', 'Nous vous prions')} d'agréer, {PROCUREUR}, l'expression "
        f"de {voice.say('ma', 'notre')} considération distinguée.",
        f"Fait à {place}, le {french_date(today)}.\n\n"
        f"{voice.say('Signature', 'Signatures')} : {_join(names)}",
    ]
    return typography("\n\n".join(section for section in sections if section))
