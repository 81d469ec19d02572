"""Which offences the letter cites, and which questions the complaint asks to be sure of them.

The guidance engine names the offences that *may* apply to the facts of the questionnaire. The
letter to the procureur, and the dossier's "Ce que dit la loi", cite only those whose
conditions the declared facts meet:
- an offence the plan marks as conditional (its "only if": the images are real, the author is
  an adult…) is cited only when the person confirmed that condition in the complaint form
  (CONDITIONS: which question settles which offence). One without a question is never cited;
- school bullying (222-33-2-3) and harassment by a partner (222-33-2-1) need their condition
  confirmed too, though the questionnaire suggested them: the letter states the pupil and the
  couple as facts;
- harassment is an habitual offence: it is cited only for repeated acts (pieces on more than
  one day, or the person said so), except that a raid, several people acting once each, is
  harassment under 222-33-2-2 alone (legal-fr.md §1, loi 2018-703).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from evidence.export.document.data import DossierExport, Offence

Section = Literal["facts", "suspects"]


@dataclass(frozen=True)
class Condition:
    key: str  # the complaint's answer, stored under this key (complaint.data.CONFIRMATIONS)
    offences: tuple[str, ...]  # the offences (their ids in the content) it settles
    section: Section  # where the complaint form asks it
    stated: str  # the condition as the dossier states it, in French
    always: bool = False  # asked even when the plan does not mark the offence conditional


CONDITIONS = (
    Condition(
        "threatened_for_job",
        ("433-3",),
        "facts",
        "menaces visant la personne dans ses fonctions ou du fait de ses fonctions",
    ),
    Condition(
        "taken_in_private",
        ("226-1",),
        "facts",
        "image prise dans un lieu privé, ou paroles privées enregistrées",
    ),
    Condition("real_images", ("226-2-1",), "facts", "images réelles de la personne"),
    Condition(
        "faked_images",
        ("226-8-1",),
        "facts",
        "images truquées ou fabriquées (montage, image générée)",
    ),
    Condition("public_words", ("loi1881-33",), "facts", "propos publics"),
    Condition(
        "private_words",
        ("R621-2", "R625-8-1"),
        "facts",
        "propos non publics (messages privés, groupe fermé)",
    ),
    Condition(
        "pupil_at_same_school",
        ("222-33-2-3",),
        "suspects",
        "victime élève, auteur étudiant ou travaillant dans le même établissement",
        always=True,
    ),
    Condition(
        "spouse_or_cohabitant",
        ("222-33-2-1",),
        "suspects",
        "auteur conjoint, partenaire de PACS ou concubin, actuel ou ancien",
        always=True,
    ),
    Condition(
        "author_is_adult",
        ("227-23-1", "227-22-2", "227-22-1"),
        "suspects",
        "auteur majeur",
    ),
)
_BY_OFFENCE = {offence: condition for condition in CONDITIONS for offence in condition.offences}

HARASSMENT = frozenset({"222-33-2-2", "222-33-2-3", "222-33-2-1"})
RAID_HARASSMENT = "222-33-2-2"


def condition_for(offence: Offence) -> Condition | None:
    """The condition the person must confirm for the letter to cite `offence`, if any."""
    condition = _BY_OFFENCE.get(offence.id)
    if condition is not None and (offence.conditional or condition.always):
        return condition
    return None


def asked(offences: Iterable[Offence], section: Section) -> list[Condition]:
    """The questions of a section for these offences: only those that can apply."""
    needed = {condition_for(offence) for offence in offences}
    return [c for c in CONDITIONS if c in needed and c.section == section]


def is_repeated(dossier: DossierExport) -> bool:
    """More than one act: the person said so, or the pieces stand on more than one day."""
    if dossier.complaint.repeated is not None:
        return dossier.complaint.repeated
    days = {entry.date for entry in dossier.chronology() if entry.piece_number}
    return len(days) > 1


def is_raid(facts: Mapping[str, Any]) -> bool:
    """Several people took part (the questionnaire's "group attack")."""
    return facts.get("several_authors") == "yes" or "hostile_group" in facts.get("acts", ())


def cited(dossier: DossierExport) -> tuple[Offence, ...]:
    """The offences the letter cites: those of the plan whose conditions the facts meet."""
    repeated, raid = is_repeated(dossier), is_raid(dossier.facts)
    confirmed = dossier.complaint.confirmed
    found = []
    for offence in dossier.offences:
        if offence.id in HARASSMENT and not (repeated or (raid and offence.id == RAID_HARASSMENT)):
            continue
        condition = condition_for(offence)
        if offence.conditional and condition is None:
            continue  # nothing in the complaint can confirm it
        if condition is not None and condition.key not in confirmed:
            continue
        found.append(offence)
    return tuple(found)


def confirmed_condition(offence: Offence) -> str:
    """How the dossier states the condition the person confirmed for `offence` ("" if none)."""
    condition = condition_for(offence)
    return condition.stated if condition is not None else ""
