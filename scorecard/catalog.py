"""The KPI catalog as typed data, loaded once from catalog.yaml.

Declaring each metric once (table, inputs, unit, direction, params, labels) lets the schema, the
validator, the evaluator and the generators agree without repeating any definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .units import DURATION, NUMBER, RATE

# How a metric's unit is written in a target string.
# Columns that name who or what a row is about (grains, filters): grouping keys, never measured values.
LABELS = frozenset({"channel", "agent_id", "team_id", "site", "vendor", "reason", "evaluator_id",
                    "evaluator_side", "calibration_session", "category"})
TARGET_KIND = {"rate": RATE, "duration": DURATION, "points": NUMBER, "count": NUMBER,
               "money": NUMBER, "ratio": NUMBER}


@dataclass(frozen=True)
class Metric:
    """One catalog metric. `params` maps a parameter name to its type (see catalog.yaml)."""

    name: str
    table: str
    inputs: tuple[str, ...]
    unit: str
    direction: str
    label: dict[str, str]
    abbr: str
    formula: dict[str, str]
    description: dict[str, str]
    params: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    statistic: bool = False
    variants: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    measures: tuple[str, ...] = ()  # the columns whose values it measures (catalog.yaml, `measures`)

    def _variant(self, params: dict[str, Any]) -> dict[str, dict[str, str]]:
        """The declared variant whose `param=value` the KPI's params match, else {}."""
        for key, texts in self.variants.items():
            name, _, value = key.partition("=")
            if str(params.get(name)) == value:
                return texts
        return {}

    def describe(self, params: dict[str, Any], lang: str) -> tuple[str, str]:
        """(description, formula) in a language, for a KPI's parameters: generators show these."""
        variant = self._variant(params)
        return (variant.get("description", self.description)[lang], variant.get("formula", self.formula)[lang])

    def unit_for(self, params: dict[str, Any]) -> str:
        """The unit of the value: csat with `method: mean` is a mean answer, not a share."""
        if self.name == "csat" and params.get("method") == "mean":
            return "points"
        return self.unit

    def target_kind(self, params: dict[str, Any]) -> str:
        return TARGET_KIND[self.unit_for(params)]


@lru_cache(maxsize=1)
def catalog() -> dict[str, Metric]:
    """All metrics by name, in catalog order."""
    text = resources.files("scorecard").joinpath("catalog.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {
        name: Metric(
            name=name,
            table=d["table"],
            inputs=tuple(d.get("inputs", [])),
            unit=d["unit"],
            direction=d["direction"],
            label=d["label"],
            abbr=d.get("abbr", name),
            formula=d["formula"],
            description=d["description"],
            params=dict(d.get("params", {})),
            defaults=dict(d.get("defaults", {})),
            statistic=bool(d.get("statistic", False)),
            variants=dict(d.get("variants", {})),
            measures=tuple(d["measures"] if "measures" in d
                           else [c for c in d.get("inputs", []) if c not in LABELS]),
        )
        for name, d in raw.items()
    }


def metric(name: str) -> Metric:
    return catalog()[name]
