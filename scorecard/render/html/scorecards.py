"""Per-role HTML scorecards: one self-contained page per entity of each role, an index per role,
and a top index linking the roles.

Pages carry their CSS and their few lines of JavaScript inline and draw charts as inline SVG, so a
card can be mailed, archived or printed on its own. Jinja2 autoescaping is on: entity ids and
explanations come from data files and must never become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup

from ...atomic import write_text
from ...contract.model import Role
from ...errors import Problem, RenderError
from ...evaluate import Evaluation
from ...periods import parse_period
from ...resources import shipped
from .. import format as f
from .cards import Card, Context, GrainIndex, glossary, kpi_groups, known_entities
from ..files import card_names, inside, safe_dirname
from ..xmltext import clean_markup
from .card_sections import BUILDERS, sections_for


def template_dir() -> Path:
    """The HTML templates, in the package (wheel) or the repository (checkout)."""
    return shipped("templates/html")


@lru_cache(maxsize=4)
def environment(folder: str) -> Environment:
    """One Jinja environment per template folder: templates compile once per process."""
    return Environment(loader=FileSystemLoader(folder), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, auto_reload=False, finalize=clean_markup)


@dataclass(frozen=True)
class Page:
    """What every page of a run shares: language, UI words, inline assets and contract facts."""

    lang: str
    ui: dict[str, str]
    css: Markup
    js: Markup
    period: str
    contract: str
    trend: str  # the trend column's heading, naming its first and last month


@dataclass(frozen=True)
class IndexLine:
    """One entity in a role's index: its card's file and how many KPIs are in each status."""

    entity: str
    filename: str
    counts: dict[str, int]


def pick_roles(evaluation: Evaluation, role: str | None) -> list[Role]:
    """Every role of the contract, or the one asked; an unknown name lists the roles that exist."""
    roles = evaluation.contract.card_roles()
    if role is None:
        return list(roles.values())
    if role not in roles:
        raise RenderError(Problem(f"unknown role {role!r}", field="role",
                                  hint=f"the contract's roles are: {', '.join(roles)}"))
    return [roles[role]]


def _page(ctx: Context, folder: Path) -> Page:
    strings = f.strings()["ui"]
    try:
        css = (folder / "scorecard.css").read_text(encoding="utf-8")
        js = (folder / "sortable.js").read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(Problem(f"cannot read a template asset: {exc}", file=str(folder))) from exc
    contract = ctx.contract
    ui = {key: f.typeset(words[ctx.lang], ctx.lang) for key, words in strings.items()}
    # "Last month" on a monthly card; a quarter or a year compares with the previous one.
    kind = parse_period(ctx.period).kind
    if kind != "month":
        ui["previous"] = ui[f"previous_{kind}"]
    return Page(ctx.lang, ui, Markup(css), Markup(js),
                ctx.period_label, f"{contract.client} / {contract.vendor} ({contract.id})", ctx.trend_heading)


def other_roles(role: str | None) -> Callable[[str], bool]:
    """The files of the previous set a `--role` run keeps (every other role's folder), so that drawing
    roles one at a time still ends with every role in one folder; a full run keeps none."""
    mine = f"{safe_dirname(role)}/" if role else ""
    return lambda rel: bool(role) and "/" in rel and not rel.startswith(mine)


def write_scorecards(evaluation: Evaluation, out_dir: Path, *, role: str | None = None,
                     lang: str | None = None) -> list[Path]:
    """Write the scorecards of the last asked period under `out_dir` and return every file written:
    `<role>/<entity>.html` per entity of each role's grain, `<role>/index.html`, and `index.html`.

    `role` picks one role of the contract; `lang` (en|fr) defaults to the contract's language."""
    lang = f.check_lang(lang or evaluation.contract.language)
    roles = pick_roles(evaluation, role)
    if not evaluation.periods:
        raise RenderError(Problem("no period to draw scorecards for", field="period",
                                  hint="pass --period YYYY-MM"))
    out_dir = Path(out_dir)
    ctx = Context(evaluation, lang)
    folder = template_dir()
    env, page = environment(str(folder)), _page(ctx, folder)
    rendered = {r.grain: r.name for r in reversed(roles)}  # the first role drawing a grain gets links
    indexes = {r.grain: GrainIndex(ctx, r.grain) for r in roles}
    names = {grain: card_names(_entities(ctx, grain, index)) for grain, index in indexes.items()}

    def links(grain: str, entity: str) -> str | None:
        """The card of an entity drawn by this run, from a card of another role's folder."""
        owner, name = rendered.get(grain), names.get(grain, {}).get(entity)
        return None if owner is None or name is None else f"../{safe_dirname(owner)}/{name}"

    written: list[Path] = []
    try:
        for r in roles:
            written += _write_role(env, page, ctx, r, out_dir, links, indexes[r.grain], names[r.grain])
        written.append(_write_top_index(env, page, ctx, out_dir))
    except TemplateError as exc:
        raise RenderError(Problem(f"a scorecard template failed: {exc}", file=str(folder),
                                  hint="check the templates under templates/html")) from exc
    return written


def card_files(evaluation: Evaluation, role: Role) -> dict[str, str]:
    """Entity -> its card's path under the scorecards folder (`<role>/<file>`), named exactly as
    `write_scorecards` names it: delivery (scorecard/deliver) must send each person their own card."""
    ctx = Context(evaluation, evaluation.contract.language)
    names = card_names(_entities(ctx, role.grain, GrainIndex(ctx, role.grain)))
    return {entity: f"{safe_dirname(role.name)}/{name}" for entity, name in names.items()}


def _entities(ctx: Context, grain: str, index: GrainIndex) -> list[str]:
    """The entities of a role's grain in the period: every one with results, and for evaluators
    also those with calibration rows only (an evaluator may score no production evaluation)."""
    entities = set(index.entities())
    if grain == "evaluator_id":
        entities |= known_entities(ctx.evaluation.calibration, "evaluator_id", ctx.period)
    return sorted(entities)


def _write_role(env: Environment, page: Page, ctx: Context, role: Role, out_dir: Path, links,
                index: GrainIndex, names: dict[str, str]) -> list[Path]:
    """A role's cards, one per entity under the file name `names` gives it, and the role's index."""
    folder = inside(out_dir, out_dir / safe_dirname(role.name))
    lookups = {name: BUILDERS[name](ctx, role, links) for name in sections_for(role)}
    role_title = f.role_text(role.name, "title", ctx.lang)
    grain_label = f.word("grains", role.grain, ctx.lang)
    template = env.get_template("card.html.j2")
    terms = glossary(ctx, role)
    # the vendor-level card is where the operations manager reads whether the data can be trusted
    cautions = f.caution_texts(ctx.evaluation.cautions, ctx.lang) if role.grain == "vendor" else []
    lines, written = [], []
    for entity, filename in names.items():
        card = Card(role.name, entity, filename, f"{grain_label} {entity}",
                    kpi_groups(ctx, role, index, entity),
                    {name: lookup(entity) for name, lookup in lookups.items()})
        html = template.render(page=page, card=card, role_title=role_title, glossary=terms, cautions=cautions)
        written.append(write_text(inside(out_dir, folder / card.filename), html))
        lines.append(IndexLine(entity, card.filename, card.status_counts()))
    html = env.get_template("role_index.html.j2").render(
        page=page, role_title=role_title, about=f.role_text(role.name, "about", ctx.lang),
        grain_label=grain_label, lines=lines, statuses=[(s, f.status_label(s, ctx.lang), f.status_icon(s))
                                                        for s in f.STATUSES])
    written.append(write_text(folder / "index.html", html))
    _remove_stale(folder, written)
    return written


def _remove_stale(folder: Path, written: list[Path]) -> None:
    """Cards an earlier run wrote for entities absent now would be counted and linked as current:
    remove the role folder's other .html files (only ever files scorecard writes there)."""
    keep = {p.resolve() for p in written}
    for path in folder.glob("*.html"):
        if path.resolve() not in keep:
            path.unlink()


def _write_top_index(env: Environment, page: Page, ctx: Context, out_dir: Path) -> Path:
    """The top index lists every role of the contract and links those drawn in this folder (by this
    run or an earlier `--role` run), so drawing roles one at a time still ends with one index."""
    roles = []
    for role in ctx.contract.card_roles().values():
        folder = safe_dirname(role.name)
        drawn = (out_dir / folder / "index.html").is_file()
        count = sum(1 for p in (out_dir / folder).glob("*.html") if p.name != "index.html") if drawn else 0
        roles.append({"title": f.role_text(role.name, "title", ctx.lang),
                      "about": f.role_text(role.name, "about", ctx.lang),
                      "grain": f.word("grains", role.grain, ctx.lang),
                      "href": f"{folder}/index.html" if drawn else None,
                      "count": f.t("entity_count", ctx.lang, n=count)})
    html = env.get_template("index.html.j2").render(page=page, roles=roles)
    return write_text(out_dir / "index.html", html)
