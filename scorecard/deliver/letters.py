"""Who gets which card: the cards a run wrote, matched to the roster, grouped into letters.

A card goes to the person it is about (the roster entry of its role and entity) with a copy to
that person's manager: an agent's card to the agent, copied to the team lead, who also receives
their own team-lead card. A person with several cards under one address and the same manager (a
trainer of two teams) gets them in one letter. Nobody else is ever an addressee, so no agent sees
another agent's card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..contract.model import Role
from ..evaluate import Evaluation
from ..render import format as f
from ..render.html.scorecards import card_files
from .roster import Person, Roster

MAX_LISTED = 10  # warnings beyond this many are counted, not listed


@dataclass(frozen=True)
class CardFile:
    """One card of the run: its role, entity, title as the card shows it, and its files."""

    role: str
    entity: str
    heading: str  # the role's title ("Agent scorecards")
    title: str
    html: Path
    pdf: Path | None


@dataclass(frozen=True)
class Letter:
    to: Person
    cc: Person | None
    cards: tuple[CardFile, ...]


def run_cards(evaluation: Evaluation, folder: Path, roles: Sequence[Role], lang: str) -> list[CardFile]:
    """The cards of `roles` under the committed scorecards `folder`, with their PDFs when printed."""
    cards = []
    for role in roles:
        label, heading = f.word("grains", role.grain, lang), f.role_text(role.name, "title", lang)
        for entity, rel in card_files(evaluation, role).items():
            html = Path(folder) / rel
            pdf = html.with_suffix(".pdf")
            cards.append(CardFile(role.name, entity, heading, f"{label} {entity}", html,
                                  pdf if pdf.is_file() else None))
    return cards


def plan(roster: Roster, cards: Sequence[CardFile]) -> tuple[list[Letter], list[str]]:
    """The letters to send, and warnings: cards with no roster entry, entries with no card."""
    grouped: dict[tuple[str, str], list[CardFile]] = {}
    people: dict[tuple[str, str], tuple[Person, Person | None]] = {}
    unmatched = []
    for card in cards:
        person = roster.entry(card.role, card.entity)
        if person is None:
            unmatched.append(f"{card.role} {card.entity}")
            continue
        manager = roster.manager_of(person)
        cc = manager if manager and manager.email != person.email else None
        key = (person.email, cc.email if cc else "")
        grouped.setdefault(key, []).append(card)
        people.setdefault(key, (person, cc))
    letters = [Letter(people[key][0], people[key][1], tuple(found)) for key, found in sorted(grouped.items())]
    warnings = _listed(unmatched, "card(s) with no roster entry, not sent",
                       f"add a row to {roster.path} for each (id = the card's id, role = its role)")
    drawn, roles = {(c.role, c.entity) for c in cards}, {c.role for c in cards}  # `--role X` draws one role
    idle = [f"{p.role} {p.id} (row {p.row})" for p in roster.people if p.role in roles and (p.role, p.id) not in drawn]
    warnings += _listed(idle, "roster entr(y/ies) with no card this period, nothing to send", "")
    return letters, warnings


def _listed(items: list[str], what: str, fix: str) -> list[str]:
    if not items:
        return []
    shown = ", ".join(items[:MAX_LISTED]) + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")
    return [f"{len(items)} {what}: {shown}" + (f" ({fix})" if fix else "")]
