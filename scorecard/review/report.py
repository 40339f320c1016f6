"""review.json, review.md and review.html (docs/spec/OUTPUTS.md), written into an output set."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jinja2

from .. import __version__
from ..atomic import write_text
from ..contract.model import Contract
from ..resources import shipped
from . import Review
from .findings import SEVERITIES
from .suggest import yaml_fragment


@dataclass(frozen=True)
class Provenance:
    """What outputs.OutputSet.commit reads of an evaluation: the contract, periods and inputs."""

    contract: Contract
    periods: tuple[str, ...] = ()
    inputs: dict[str, str] = field(default_factory=dict)


def counts(r: Review) -> dict[str, int]:
    return {s: sum(f.severity == s for f in r.findings) for s in SEVERITIES}


def review_json(r: Review) -> str:
    c = r.contract
    doc = {"generator": f"scorecard {__version__}",
           "contract": {"id": c.id, "path": c.path, "version_hash": c.version_hash},
           "periods": list(r.periods), "counts": counts(r),
           "findings": [f.as_dict() for f in r.findings],
           "fairness": [asdict(x) for x in r.risks],
           "suggestions": [asdict(s) for s in r.suggestions]}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def review_md(r: Review) -> str:
    c = r.contract
    n = counts(r)
    lines = [f"# Review of {c.id} ({c.path})", "",
             f"{n['error']} error(s), {n['warning']} warning(s), {n['advice']} advice"
             + (f"; data: {r.periods[0]} to {r.periods[-1]}" if r.periods else "; no data read (--data)"), ""]
    for f in r.findings:
        kpi = f" `{f.kpi}`" if f.kpi else ""
        lines += [f"## {f.severity}: {f.rule}{kpi} ({f.file}:{f.line})", "", f.message, "",
                  f"- Why: {f.why}", f"- Suggestion: {f.suggestion}", ""]
    if r.risks:
        lines += ["## False-miss risk of each minimum", "", "| KPI | monthly n | risk | method |", "|---|---|---|---|"]
        lines += [f"| {x.name} | {x.n:,} | "
                  + (f"{x.probability:.1%} | {x.method} |" if x.probability is not None else
                     f"not estimated | {_md_cell(x.reason)} |") for x in r.risks]
        lines.append("")
    if r.suggestions:
        lines += ["## Suggested targets and minimums", "", "```yaml", yaml_fragment(r.suggestions).rstrip(), "```", ""]
    return "\n".join(lines)


def environment() -> jinja2.Environment:
    """The review templates, HTML-escaped (contract text is user input)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(shipped("templates/review"))),
                              autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def review_html(r: Review) -> str:
    return environment().get_template("review.html.j2").render(
        review=r, counts=counts(r), fragment=yaml_fragment(r.suggestions) if r.suggestions else "")


def write_review(r: Review, folder: Path) -> list[Path]:
    files = {"review.json": review_json(r), "review.md": review_md(r), "review.html": review_html(r)}
    return [write_text(Path(folder) / name, text) for name, text in files.items()]
