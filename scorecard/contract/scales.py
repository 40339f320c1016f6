"""Survey scales: which answers a survey column can hold, from the KPIs that read it.

A scale is a KPI param (`scale: 1-10`) because the contract is where a vendor manager says how the
survey was asked; the data checks need it per column (a score off the scale is a cleared cell), so
this module turns the contract's KPIs into one scale per survey column, defaults included.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from ..catalog import Metric, catalog
from ..units import Target, parse_scale
from ..yamlread import Path
from .fields import Fields
from .model import Contract, KpiSpec

Scale = tuple[float, float]
#: the answers a metric counts, and which end of the scale to suggest for them
_COUNTED = {"satisfied": "top", "dissatisfied": "bottom"}
NPS_SCALE: Scale = (0.0, 10.0)  # promoters 9-10 and detractors 0-6 are defined on it


def survey_column(m: Metric) -> str | None:
    """The data column a survey metric reads (csat and dsat both read `csat`); None for others."""
    return m.inputs[0] if "scale" in m.params and m.inputs else None


@lru_cache(maxsize=1)
def default_scales() -> dict[str, Scale]:
    """Survey column -> the catalog's default scale: csat 1-5, nps 0-10, ces 1-7."""
    out: dict[str, Scale] = {}
    for m in catalog().values():
        column = survey_column(m)
        if column is not None:
            out.setdefault(column, parse_scale(m.defaults["scale"]))
    return out


def survey_scales(contract: Contract) -> dict[str, Scale]:
    """Survey column -> (lowest, highest) answer, as the contract's KPIs declare it, else the default.

    Two KPIs of one column cannot disagree in a valid contract (`validate` refuses it), so the first
    KPI that declares a scale for a column gives it.
    """
    out = dict(default_scales())
    declared: set[str] = set()
    for spec in contract.kpis.values():
        column = survey_column(catalog()[spec.metric])
        if column is not None and "scale" in spec.params and column not in declared:
            out[column] = spec.params["scale"]
            declared.add(column)
    return out


def _words(scale: Scale) -> str:
    return f"{scale[0]:g}-{scale[1]:g}"


def _suggested(scale: Scale, end: str) -> str:
    low, high = scale
    return f"[{high - 1:g}, {high:g}]" if end == "top" else f"[{low:g}, {low + 1:g}]"


def check_survey(f: Fields, m: Metric, params: dict[str, Any], given: Any, path: Path,
                 comparisons: Iterable[tuple[Path, Target]]) -> None:
    """The answers a survey KPI counts, and a mean it targets, must lie on its scale; a scale other
    than the default needs the counted answers said again (the default [4, 5] means nothing on 1-10)."""
    if "scale" not in m.params or params.get("scale") is None:
        return
    scale, here = params["scale"], path + ("params",)
    given = given if isinstance(given, dict) else {}
    if m.name == "nps" and scale != NPS_SCALE:
        f.add(here + ("scale",), f"NPS is asked on 0-10, not {_words(scale)}",
              "promoters (9-10) and detractors (0-6) are defined on 0-10; remove `scale:` or write 0-10")
        return
    for name, end in _COUNTED.items():
        if name not in m.params or (m.name == "csat" and params.get("method") == "mean"):
            continue
        off = [v for v in params.get(name) or () if not scale[0] <= v <= scale[1]]
        if off:
            f.add(here + (name,), f"{name} answers {', '.join(f'{v:g}' for v in off)} are not on the "
                                  f"{_words(scale)} scale", f"use answers from {scale[0]:g} to {scale[1]:g}, or "
                                  f"declare the survey's scale under params, e.g. scale: 1-10")
        elif name not in given and scale != default_scales()[m.inputs[0]]:
            f.add(here + ("scale",), f"on a {_words(scale)} scale, say which answers count as {name}",
                  f"add {name}: {_suggested(scale, end)} under params")
    if m.name != "nps" and m.unit_for(params) == "points":
        for where, target in comparisons:
            if not scale[0] <= target.value <= scale[1]:
                f.add(where, f'"{target.text}" is not on the {_words(scale)} scale of {m.name}',
                      f"a mean answer lies between {scale[0]:g} and {scale[1]:g}")


def check_shared_columns(f: Fields, specs: dict[str, KpiSpec]) -> None:
    """Two KPIs reading one survey column (csat and dsat read `csat`) must agree on its scale."""
    first: dict[str, tuple[str, Scale]] = {}
    for spec in specs.values():
        column = survey_column(catalog()[spec.metric])
        if column is None or spec.params.get("scale") is None:
            continue
        scale = spec.params["scale"]
        other = first.setdefault(column, (spec.id, scale))
        if other[1] != scale:
            f.add(("kpis", spec.id, "params", "scale"),
                  f"{spec.id} reads the {column} answers on a {_words(scale)} scale, but {other[0]} on "
                  f"{_words(other[1])}", "one survey column has one scale: write the same `scale:` on both")
