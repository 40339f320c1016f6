"""`scorecard catalog METRIC`: one metric of the catalog in words, so a contract author sees what a
KPI can be tuned with (parameters and their defaults) and what it computes, without reading YAML."""

from __future__ import annotations

import difflib

from .catalog import Metric
from .errors import Problem, ScorecardError

HEADINGS = {
    "en": {"table": "table", "inputs": "inputs", "unit": "unit", "direction": "direction", "formula": "formula",
           "params": "parameters", "default": "default", "none": "none",
           "statistic": "statistic: mean, median or a percentile (p90, p95...)"},
    "fr": {"table": "table", "inputs": "colonnes", "unit": "unité", "direction": "sens", "formula": "formule",
           "params": "paramètres", "default": "défaut", "none": "aucun",
           "statistic": "statistique : mean, median ou un centile (p90, p95...)"},
}


def metric_lines(m: Metric, lang: str) -> list[str]:
    """The metric's label, description, table and inputs, unit and direction, formula, parameters
    with their type and default, and variants."""
    h = HEADINGS[lang]
    lines = [f"{m.name} ({m.abbr}): {m.label[lang]}", f"  {m.description[lang]}",
             f"  {h['table']}: {m.table}; {h['inputs']}: {', '.join(m.inputs)}",
             f"  {h['unit']}: {m.unit}; {h['direction']}: {m.direction}",
             f"  {h['formula']}: {m.formula[lang]}"]
    if m.statistic:
        lines.append(f"  {h['statistic']}")
    lines.append(f"  {h['params']}:" + ("" if m.params else f" {h['none']}"))
    for name, kind in m.params.items():
        default = m.defaults.get(name)
        shown = f" ({h['default']}: {default})" if default is not None else ""
        lines.append(f"    {name}: {kind.replace('|', ', ')}{shown}")
    for key, texts in m.variants.items():
        lines.append(f"  {key}: {texts.get('formula', {}).get(lang, '')}")
    return lines


def unknown_metric(name: str, metrics: dict[str, Metric]) -> ScorecardError:
    """A located error for a metric the catalog does not have, with the nearest names."""
    near = difflib.get_close_matches(name, list(metrics), n=3)
    hint = (f"did you mean {' or '.join(near)}?" if near else "") + " `scorecard catalog` lists every metric"
    return ScorecardError(Problem(f"no metric named {name!r} in the catalog", field="metric", hint=hint.strip()))
