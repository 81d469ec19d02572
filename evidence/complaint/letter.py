"""The letter to the procureur de la République, in formal French.

It holds every element a complaint letter needs (legal-fr.md §2, service-public.fr F34124):
the complainant's civil status and contact, a detailed account with dates and places, the
presumed author or "contre X", the witnesses, the harm and its estimate, the list of enclosed
pieces, the place, the date and the signature. What the user has not given yet is written as a
visible "[à compléter : …]" so that nothing is silently missing.
"""

from __future__ import annotations

import datetime as dt
import re

from common.dates import NNBSP, french_date
from evidence.complaint.data import Complaint, Person
from evidence.export.document.data import DossierExport

GAP = re.compile(r"\[à compléter\s*:\s*([^\]]+)\]")  # the colon follows a narrow space


def gaps(text: str) -> list[str]:
    """What the letter still marks "[à compléter : …]", each once."""
    return list(dict.fromkeys(GAP.findall(text)))


def typography(text: str) -> str:
    """French spacing: a narrow no-break space before high punctuation and inside quotes."""
    text = re.sub(r"[ \u00a0]*([;:!?»])", lambda m: NNBSP + m.group(1), text)
    text = re.sub(r"«[ \u00a0]*", "«" + NNBSP, text)
    # Not inside URLs and times written with a colon (https://, 14:30).
    text = re.sub(r"(\w)\u202f:(?=//|\d)", r"\1:", text)
    return text


def _missing(what: str) -> str:
    return f"[à compléter : {what}]"


def _identity(person: Person, *, who: str) -> str:
    name = person.name or _missing(f"nom et prénom {who}")
    if person.birth_date:
        place = f" à {person.birth_place}" if person.birth_place else ""
        born = f", né(e) le {person.birth_date}{place}"
    else:
        born = f", {_missing('date et lieu de naissance')}"
    job = f", {person.occupation}" if person.occupation else ""
    address = person.address or _missing("adresse")
    contact = ", ".join(filter(None, [person.phone, person.email])) or _missing(
        "téléphone ou courriel"
    )
    return f"{name}{born}{job}, demeurant {address} ({contact})"


def _tribunal(complaint: Complaint) -> str:
    city = complaint.tribunal_city or _missing("ville du tribunal judiciaire")
    return f"Tribunal judiciaire de {city}"


def _authors(complaint: Complaint) -> str:
    if complaint.against_x:
        return (
            "L'auteur des faits n'étant pas identifié, je dépose plainte contre X, "
            "ainsi que contre toute personne que l'enquête permettra d'identifier."
        )
    lines = ["Je dépose plainte contre :"]
    for suspect in complaint.suspects:
        pseudonyms = ", ".join(f"« {p} »" for p in suspect.pseudonyms)
        parts = [suspect.name or "une personne non identifiée"]
        if pseudonyms:
            parts.append(f"utilisant le(s) pseudonyme(s) {pseudonyms}")
        if suspect.details:
            parts.append(suspect.details)
        lines.append("– " + ", ".join(parts) + " ;")
    lines.append("ainsi que contre toute autre personne que l'enquête permettra d'identifier.")
    return "\n".join(lines)


def _facts(dossier: DossierExport) -> str:
    start, end = dossier.period
    if start and end:
        span = (
            f"le {french_date(start)}"
            if start == end
            else f"entre le {french_date(start)} et le {french_date(end)}"
        )
    else:
        span = _missing("dates des faits")
    platforms = sorted({p.platform for p in dossier.pieces if p.platform})
    where = f" sur {', '.join(platforms)}" if platforms else ""
    victim, own = (
        ("Mon enfant est victime", "ses")
        if dossier.complaint.victim_is_minor
        else ("Je suis victime", "mes")
    )
    health = "sa santé" if own == "ses" else "ma santé"
    lines = [
        f"{victim}, {span}{where}, de faits répétés commis au moyen d'un service de "
        f"communication au public en ligne, qui dégradent {own} conditions de vie et altèrent "
        f"{health}. En voici le détail, dans l'ordre chronologique :",
    ]
    for entry in dossier.chronology():
        ref = f" (pièce n° {entry.piece_number})" if entry.piece_number else ""
        lines.append(f"– le {french_date(entry.date)} : {entry.text}{ref} ;")
    if len(lines) == 1:
        lines.append(_missing("récit des faits, avec les dates et les lieux"))
    return "\n".join(lines)


def _article(article: str) -> str:
    """The article as cited: "art. 222-33-2-2" for a code article; a law as it is written."""
    return f"art. {article}" if article[:1].isdigit() else article


def _offences(dossier: DossierExport) -> str:
    if not dossier.offences:
        return ""
    names = "; ".join(f"{o.title} ({_article(o.article)})" for o in dossier.offences)
    return (
        "Ces faits me paraissent pouvoir recevoir, notamment, les qualifications suivantes, "
        f"que je soumets à votre appréciation : {names}."
    )


def _witnesses(complaint: Complaint) -> str:
    if not complaint.witnesses:
        return "Je n'ai pas, à ce jour, de témoin à citer."
    lines = ["Les personnes suivantes peuvent témoigner :"]
    lines += [f"– {w.name}{', ' + w.contact if w.contact else ''} ;" for w in complaint.witnesses]
    return "\n".join(lines)


def _harm(complaint: Complaint) -> str:
    harm = complaint.harm
    to_whom = "causent à mon enfant" if complaint.victim_is_minor else "me causent"
    if harm.is_empty():
        return f"Ces faits {to_whom} un préjudice : {_missing('description du préjudice')}."
    lines = [f"Ces faits {to_whom} un préjudice important :"]
    for label, value in (
        ("santé", harm.health),
        ("scolarité ou travail", harm.school_or_work),
        ("sommeil", harm.sleep),
        ("vie sociale", harm.social_life),
        ("frais engagés", harm.costs),
    ):
        if value:
            lines.append(f"– {label} : {value} ;")
    if harm.medical_certificate:
        itt = f", avec une ITT de {harm.itt_days} jours" if harm.itt_days else ""
        lines.append(f"– un certificat médical a été établi{itt} (joint au dossier).")
    return "\n".join(lines)


def _pieces(dossier: DossierExport) -> str:
    if not dossier.pieces:
        return "Pièces jointes : " + _missing("captures d'écran, certificats, documents")
    lines = [
        f"Je joins à la présente plainte {len(dossier.pieces)} pièce(s), numérotées et "
        "décrites dans le bordereau joint, ainsi que leurs empreintes numériques (SHA-256) :"
    ]
    lines += [f"– pièce n° {p.number} : {p.title} ;" for p in dossier.pieces]
    return "\n".join(lines)


def compose_letter(dossier: DossierExport, today: dt.date | None = None) -> str:
    """The letter's full text. The user may edit it before export (Complaint.letter_text)."""
    complaint = dossier.complaint
    today = today or dossier.generated_at.date()
    complainant = complaint.complainant
    if complaint.victim_is_minor:
        representatives = complaint.representatives or (complainant,)
        who = " et ".join(
            _identity(r, who="du représentant légal")
            + (f", {r.relationship}" if r.relationship else "")
            for r in representatives
        )
        victim = complaint.victim
        child = victim.name or _missing("nom et prénom de l'enfant")
        child_born = f", né(e) le {victim.birth_date}" if victim.birth_date else ""
        opening = (
            f"Je soussigné(e), {who}, agissant en qualité de représentant(e) légal(e) de "
            f"{child}{child_born}, mineur(e), ai l'honneur de déposer plainte au nom de "
            "mon enfant pour les faits exposés ci-dessous."
        )
        signer = " et ".join(r.name or _missing("nom") for r in representatives)
    else:
        opening = (
            f"Je soussigné(e), {_identity(complainant, who='du plaignant')}, ai l'honneur de "
            "déposer plainte pour les faits exposés ci-dessous."
        )
        signer = complainant.name or _missing("nom")

    subject = "Objet : plainte pour cyberharcèlement"
    if dossier.offences:
        subject += " (" + ", ".join(_article(o.article) for o in dossier.offences[:4]) + ")"
    partie_civile = (
        "Je déclare me constituer partie civile et demande réparation de l'entier préjudice subi."
        if complaint.partie_civile
        else "Je me réserve le droit de me constituer partie civile."
    )
    place = complaint.place or _missing("ville")
    sections = [
        "Madame, Monsieur le procureur de la République\n" + _tribunal(complaint),
        subject,
        "Madame, Monsieur le procureur de la République,",
        opening,
        _facts(dossier),
        _offences(dossier),
        _authors(complaint),
        _witnesses(complaint),
        _harm(complaint),
        _pieces(dossier),
        partie_civile,
        "Je vous prie d'agréer, Madame, Monsieur le procureur de la République, l'expression "
        "de ma considération distinguée.",
        f"Fait à {place}, le {french_date(today)}.\n\nSignature : {signer}",
    ]
    return typography("\n\n".join(s for s in sections if s))


def letter_text(dossier: DossierExport) -> str:
    """The letter as exported: the user's edited text when there is one, else generated."""
    return dossier.complaint.letter_text.strip() or compose_letter(dossier)
