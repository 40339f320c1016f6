"""docs/kpi-catalog.md, the KPI catalog page of the documentation, generated from catalog.yaml.

The catalog is the one place a metric is declared, so its documentation page is generated from it,
never written by hand: a test checks the committed page equals `markdown()`, and
`python -m scorecard.catalog_page` rewrites it after a catalog change.
"""

from __future__ import annotations

from pathlib import Path

from .catalog import Metric, catalog

PAGE = Path(__file__).resolve().parents[1] / "docs" / "kpi-catalog.md"

UNITS = {
    "rate": "a fraction 0-1; targets are written with %: `>= 80%`",
    "duration": "seconds; targets carry a unit: `<= 30s`, `<= 7m`, `<= 24h`",
    "points": "QA 0-100, NPS -100..100, a survey mean on its scale; targets are plain numbers",
    "count": "targets are plain numbers",
    "money": "in the contract's currency; targets are plain numbers: `<= 4.20`",
    "ratio": "targets are plain numbers: `<= 0.35`",
}
BETTER = {"higher": "higher is better", "lower": "lower is better",
          "neutral": "neither way is better: the target's comparison decides"}

INTRO = """\
# KPI catalog

<!-- Generated from scorecard/catalog.yaml by `python -m scorecard.catalog_page`: do not edit. -->

Every metric a contract may name in `kpis.ID.metric`, declared once in `scorecard/catalog.yaml`:
the table it reads, its inputs, unit, direction, formula and the `params:` a KPI may set, with their
defaults. `scorecard catalog` lists the same in the terminal, `scorecard catalog METRIC` shows one
metric (`--lang fr` in French). The exact formulas and their edge cases are in
[KPIS.md](spec/KPIS.md); how a contract writes units and targets is in [The contract file](contract.md).
"""


def _summary(metrics: dict[str, Metric]) -> list[str]:
    rows = ["| metric | abbr. | name | unit | better | table |", "|---|---|---|---|---|---|"]
    rows += [f"| [`{m.name}`](#{m.name}) | {m.abbr} | {m.label['en']} | {m.unit} | {m.direction} | {m.table} |"
             for m in metrics.values()]
    return rows


def _parameters(m: Metric) -> list[str]:
    if not m.params:
        return ["No parameters."]
    rows = ["| parameter | type or values | default |", "|---|---|---|"]
    for name, kind in m.params.items():
        default = m.defaults.get(name)
        shown = "" if default is None else f"`{default}`"
        rows.append(f"| `{name}` | {kind.replace('|', ', ')} | {shown} |")
    return rows


def _metric(m: Metric) -> list[str]:
    """One metric's section: what it measures, how, on what, and what a contract may tune."""
    lines = [f"## {m.name}", "",
             f"**{m.label['en']}** ({m.abbr}; in French: {m.label['fr']}). {m.description['en']}", "",
             f"- formula: {m.formula['en']}",
             f"- reads table `{m.table}`; inputs: {', '.join(f'`{c}`' for c in m.inputs) or 'none'}",
             f"- unit: **{m.unit}** ({UNITS[m.unit]}); {BETTER[m.direction]}"]
    if m.measures:
        lines.append(f"- measures: {', '.join(f'`{c}`' for c in m.measures)} (a mapping that sets one of"
                     " them to a constant makes the KPI not measurable)")
    if m.statistic:
        lines.append("- `statistic:` mean (default), median or a percentile `p1`..`p99`")
    for key, texts in m.variants.items():
        lines.append(f"- with `{key.replace('=', ': ')}`: {texts.get('formula', {}).get('en', '')}")
    return [*lines, "", *_parameters(m), ""]


def markdown() -> str:
    """The whole page, in catalog order."""
    metrics = catalog()
    lines = [INTRO, *_summary(metrics), ""]
    for m in metrics.values():
        lines += _metric(m)
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    PAGE.write_text(markdown(), encoding="utf-8")
