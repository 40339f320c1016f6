"""Which KPIs of several contracts can be compared, and program.csv's rows for them.

Two vendors' KPIs are compared when they measure the same thing: the same KPI id with the same
definition, else the same metric with identical params, statistic, filter and clock (under the first
id met). A KPI id defined differently, or measured by one vendor only, is listed as not comparable
with the reason, never put side by side with something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from ..benchmarks import Benchmark, benchmark_of
from ..contract.model import KpiSpec
from ..evaluate import Evaluation
from .text import word

NOT_SET = "not set"

PROGRAM_COLUMNS = ["period", "kpi", "metric", "vendor", "value", "n", "target", "status", "points"]


@dataclass(frozen=True)
class Comparable:
    key: str  # the KPI name in program.csv
    metric: str
    ids: dict[str, str]  # vendor -> its contract's KPI id
    direction: str  # higher / lower / neither (from the first vendor's row)
    channel: str | None


@dataclass(frozen=True)
class NotComparable:
    """A KPI left out of the comparison: `first` defines it otherwise (`differences`: what, its
    value there, the value here), or no other vendor measures `metric` this way (`first` None)."""

    kpi: str
    vendors: tuple[str, ...]
    metric: str
    first: str | None = None
    differences: tuple[tuple[str, str, str], ...] = ()

    def reason(self, lang: str = "en") -> str:
        if self.first is None:
            return word("measured_alone", lang, vendor=self.vendors[0], metric=self.metric)
        detail = "; ".join(word("against", lang, name=name, one=one, other=other)
                           for name, one, other in self.differences) or word("different_definitions", lang)
        return word("defined_differently", lang, first=self.first, other=self.vendors[0], detail=detail)


def _signature(spec: KpiSpec) -> tuple:
    return (spec.metric, tuple(sorted((k, repr(v)) for k, v in spec.params.items())), spec.statistic,
            tuple(sorted(spec.filter.items())), spec.clock)


def _channel(spec: KpiSpec) -> str | None:
    channels = spec.filter.get("channel", ())
    return channels[0] if len(channels) == 1 else None


def _differs(a: KpiSpec, b: KpiSpec) -> tuple[tuple[str, str, str], ...]:
    """What differs between two definitions of a KPI: (what, a's value, b's value)."""
    if a.metric != b.metric:
        return (("metric", a.metric, b.metric),)
    keys = [k for k in dict.fromkeys([*a.params, *b.params]) if a.params.get(k) != b.params.get(k)]
    if keys:
        return tuple((k, str(a.params.get(k, NOT_SET)), str(b.params.get(k, NOT_SET))) for k in keys)
    return tuple((name, str(x or "none"), str(y or "none")) for name, x, y in (
        ("statistic", a.statistic, b.statistic), ("filter", a.filter, b.filter), ("clock", a.clock, b.clock))
        if x != y)


def match_kpis(evaluations: dict[str, Evaluation]) -> tuple[list[Comparable], list[NotComparable]]:
    """Comparable KPI groups (two vendors at least) and the KPIs left out, with why."""
    specs = {v: ev.contract.kpis for v, ev in evaluations.items()}
    used: set[tuple[str, str]] = set()
    groups: list[Comparable] = []
    left: list[NotComparable] = []
    ids = list(dict.fromkeys(k for kpis in specs.values() for k in kpis))
    for kpi in ids:
        holders = [v for v in specs if kpi in specs[v]]
        if len(holders) < 2:
            continue
        kinds: dict[tuple, list[str]] = {}
        for v in holders:
            kinds.setdefault(_signature(specs[v][kpi]), []).append(v)
        same = max(kinds.values(), key=len)  # the definition most vendors share (the first on a tie)
        if len(same) >= 2:
            groups.append(_group(kpi, {v: kpi for v in same}, specs, evaluations))
        for odd in (v for v in holders if v not in same or len(same) < 2):
            if odd == same[0]:
                continue
            left.append(NotComparable(kpi, (odd,), specs[odd][kpi].metric, same[0],
                                      _differs(specs[same[0]][kpi], specs[odd][kpi])))
        used.update((v, kpi) for v in holders)
    joined = {_signature(specs[next(iter(g.ids))][g.key]): g for g in groups}
    by_signature: dict[tuple, dict[str, str]] = {}
    for v, kpis in specs.items():
        for kpi, spec in kpis.items():
            sig = _signature(spec)
            if (v, kpi) in used:
                continue
            if sig in joined and v not in joined[sig].ids:  # same measure under another id: it joins
                joined[sig].ids[v] = kpi
            else:
                by_signature.setdefault(sig, {}).setdefault(v, kpi)
    for sig, members in by_signature.items():
        if len(members) >= 2:
            groups.append(_group(next(iter(members.values())), members, specs, evaluations))
        else:
            (v, kpi), = members.items()
            left.append(NotComparable(kpi, (v,), sig[0]))
    return groups, left


def _group(key: str, ids: dict[str, str], specs: dict, evaluations: dict[str, Evaluation]) -> Comparable:
    v, kpi = next(iter(ids.items()))
    rows = evaluations[v].results
    direction = rows.loc[rows["kpi"] == kpi, "direction"]
    return Comparable(key, specs[v][kpi].metric, ids, str(direction.iloc[0]) if len(direction) else "",
                      _channel(specs[v][kpi]))


def program_rows(evaluations: dict[str, Evaluation], groups: Sequence[Comparable],
                 benchmarks: dict[tuple[str, str | None], Benchmark]) -> pd.DataFrame:
    """program.csv: one row per period x comparable KPI x vendor, from each vendor's own vendor-grain
    results (exactly what `evaluate` gives), with the benchmark cited beside it."""
    out = []
    for g in groups:
        bench = benchmark_of(benchmarks, g.metric, g.channel)
        for vendor, kpi in g.ids.items():
            res = evaluations[vendor].results
            mine = res[(res["kpi"] == kpi) & (res["grain"] == "vendor")]
            out.append(mine.assign(kpi=g.key, vendor=vendor, benchmark=bench.cited() if bench else "")
                       [PROGRAM_COLUMNS + ["benchmark"]])
    if not out:
        return pd.DataFrame(columns=PROGRAM_COLUMNS + ["benchmark"])
    return pd.concat(out, ignore_index=True)
