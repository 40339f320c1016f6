"""Survey scales: which answers a survey column can hold, from the KPIs that read it.

A scale is a KPI param (`scale: 1-10`) because the contract is where a vendor manager says how the
survey was asked; the data checks need it per column (a score off the scale is a cleared cell), so
this module turns the contract's KPIs into one scale per survey column, defaults included.
"""

from __future__ import annotations

from functools import lru_cache

from ..catalog import Metric, catalog
from ..units import parse_scale
from .model import Contract

Scale = tuple[float, float]


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
