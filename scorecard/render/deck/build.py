"""The governance-forum deck: one .pptx per forum, sections in the contract's order.

`write_deck` is the only entry point (the CLI calls it). The sections are a registry: each has a
builder and a test saying why it has nothing to show (no calibration sessions, no workforce data,
no actions file...). A section with nothing to show gets no slide - a blank slide in a forum invites
the wrong discussion - and the executive summary says what was left out and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ...atomic import atomic_path
from ...contract.model import DECK_SECTIONS
from ...errors import Problem, RenderError
from ...evaluate import Evaluation
from .actions import load_actions
from .context import DeckContext
from .credits import build_credits, credits_missing
from .followup import actions_missing, build_actions
from .integrity import build_integrity, integrity_missing
from .layout import DeckCanvas
from .levels import build_service_levels, levels_missing
from .operations import build_contact_reasons, build_workforce, reasons_missing, workforce_missing
from .rootcauses import build_root_causes, root_causes_missing
from .quality import build_calibration, build_quality, calibration_missing, quality_missing
from .summary import build_agenda, build_cover, build_summary
from .text import LANGS
from .trends import build_trends, trends_missing
from ..xmltext import clean_evaluation


@dataclass(frozen=True)
class Section:
    """A deck section: how to draw it, and why it would have nothing to show (None: it has)."""

    build: Callable[[DeckContext], None]
    missing: Callable[[DeckContext], str | None]


SECTIONS: dict[str, Section] = {
    "summary": Section(build_summary, lambda ctx: None),
    "root_causes": Section(build_root_causes, root_causes_missing),
    "service_levels": Section(build_service_levels, levels_missing),
    "trends": Section(build_trends, trends_missing),
    "quality": Section(build_quality, quality_missing),
    "calibration": Section(build_calibration, calibration_missing),
    "integrity": Section(build_integrity, integrity_missing),
    "service_credits": Section(build_credits, credits_missing),
    "contact_reasons": Section(build_contact_reasons, reasons_missing),
    "workforce": Section(build_workforce, workforce_missing),
    "actions": Section(build_actions, actions_missing),
}


def _sections(evaluation: Evaluation) -> tuple[str, ...]:
    names = evaluation.contract.governance.sections or DECK_SECTIONS
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise RenderError(Problem(f"unknown deck section(s): {', '.join(unknown)}",
                                  file=evaluation.contract.path, field="governance.deck.sections",
                                  hint=f"sections: {', '.join(SECTIONS)}"))
    return tuple(names)


def _actions_path(evaluation: Evaluation, actions: str | Path | None) -> Path | None:
    """--actions wins; else the contract's governance.actions, relative to the contract file."""
    if actions:
        return Path(actions)
    declared = evaluation.contract.governance.actions
    if not declared:
        return None
    return Path(evaluation.contract.path).parent / declared if evaluation.contract.path else Path(declared)


def write_deck(evaluation: Evaluation, out: Path, *, actions: str | Path | None = None,
               template: str | Path | None = None, lang: str | None = None,
               notes: list[str] | None = None) -> Path:
    """Write the forum deck for the last asked period to `out` (atomically) and return its path.
    Text a slide cannot hold (control characters) is removed, with a sentence appended to `notes`.

    Raises RenderError for an unusable template, language or section list, and ContractError
    (every problem, located file:line) for a bad actions file."""
    lang = lang or evaluation.contract.language
    if lang not in LANGS:
        raise RenderError(Problem(f"no deck wording in language {lang!r}", hint=f"languages: {', '.join(LANGS)}"))
    if not evaluation.periods:
        raise RenderError(Problem("the evaluation has no period to present",
                                  hint="evaluate at least one period (--period YYYY-MM)"))
    names = _sections(evaluation)
    evaluation, cleaned = clean_evaluation(evaluation)
    if notes is not None:
        notes += cleaned
    path = _actions_path(evaluation, actions)
    ctx = DeckContext(evaluation=evaluation, canvas=DeckCanvas(template), lang=lang,
                      actions=load_actions(path, evaluation.contract) if path else None)
    for name in names:
        why = SECTIONS[name].missing(ctx)
        if why:
            ctx.skipped[name] = why
        else:
            ctx.present.append(name)
    build_cover(ctx)
    build_agenda(ctx, ctx.present)
    for name in ctx.present:
        SECTIONS[name].build(ctx)
    out = Path(out)
    with atomic_path(out) as tmp:
        ctx.canvas.save(tmp)
    return out
