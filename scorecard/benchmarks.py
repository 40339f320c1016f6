"""Industry benchmarks: a published figure (or range) per metric and channel, with its source.

The shipped file (benchmarks.yaml) holds only figures the seeds quote, with their source; a client's
own file (`governance.benchmarks`) is read the same way and takes precedence for the metric and
channel it names. Shown beside each KPI, never used to score it: a benchmark is context, not a term.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from .catalog import catalog
from .contract.fields import Fields, suggest
from .contract.model import KpiSpec
from .contract.read_kpis import read_param
from .errors import ContractError, Problem
from .units import DURATION, RATE
from .yamlread import FileKind, read_yaml, read_yaml_file

ENTRY_FIELDS = ("metric", "channel", "value", "range", "source", "year", "note")
_PARAM_TYPE = {RATE: "percent", DURATION: "duration"}
_KIND = FileKind(what="the benchmarks file", hint="check the path under governance.benchmarks")


@dataclass(frozen=True)
class Benchmark:
    metric: str
    channel: str | None  # None: any channel
    low: float  # base units, as results (rates 0-1, seconds)
    high: float  # == low for a single figure
    text: str  # as written: "48s", "70%-75%"
    source: str
    year: int | None = None

    @property
    def named(self) -> str:
        """'Zendesk Benchmark', or 'Zendesk Benchmark, 2024' when the source gives a year."""
        return f"{self.source}{f', {self.year}' if self.year else ''}"

    def cited(self) -> str:
        """'48s (Zendesk Benchmark)' or with its year when the source gives one."""
        return f"{self.text} ({self.named})"

    def shown(self, fmt: Callable[[float], str]) -> str:
        """The figure or the range in a renderer's number format: '48 s', '70.0%–75.0%'."""
        return fmt(self.low) if self.high == self.low else f"{fmt(self.low)}–{fmt(self.high)}"


def _entry(f: Fields, raw: Any, i: int) -> Benchmark | None:
    path = ("benchmarks", i)
    before = len(f.problems)
    e = f.mapping(raw, path, allowed=ENTRY_FIELDS, required=("metric", "source"))
    if e is None:
        return None
    metrics = catalog()
    name = e.get("metric")
    if name not in metrics:
        f.add(path + ("metric",), f"unknown metric {name!r}{suggest(str(name), metrics)}",
              "run `scorecard catalog` for the list of metrics")
        return None
    ptype = _PARAM_TYPE.get(metrics[name].target_kind({}), "number")
    if ("value" in e) == ("range" in e):
        f.add(path, "give either value (one figure) or range ([low, high])", "e.g. value: 48s or range: [70%, 75%]")
        return None
    written = [e["value"]] if "value" in e else (f.items(e["range"], path + ("range",)) or [])
    if "range" in e and len(written) != 2:
        f.add(path + ("range",), "a range has two figures, low then high", "e.g. range: [70%, 75%]")
        return None
    where = [path + ("value",)] if "value" in e else [path + ("range", 0), path + ("range", 1)]
    values = [read_param(f, ptype, v, p) for v, p in zip(written, where)]
    source = f.text(e["source"], path + ("source",))
    year = f.number(e["year"], path + ("year",), minimum=1900, maximum=2100, integer=True) if "year" in e else None
    channel = f.text(e["channel"], path + ("channel",)) if "channel" in e else None
    if len(f.problems) > before or None in values or source is None:
        return None
    return Benchmark(name, channel, min(values), max(values), "-".join(str(v) for v in written), source,
                     int(year) if year else None)


def read_benchmarks(path: Path) -> tuple[list[Benchmark], list[Problem]]:
    """The entries of one benchmarks file and the located problems found in it."""
    doc, problems = read_yaml_file(Path(path), _KIND)
    return _check(Fields(str(path), doc, list(problems)), doc)


def _check(f: Fields, doc: Any) -> tuple[list[Benchmark], list[Problem]]:
    if doc.data is None:
        return [], f.problems or [Problem("the benchmarks file is empty", f.file, hint="add a benchmarks: list")]
    top = f.mapping(doc.data, (), allowed=("benchmarks",), required=("benchmarks",))
    items = f.items(top["benchmarks"], ("benchmarks",)) if top else None
    found = [b for i, raw in enumerate(items or []) if (b := _entry(f, raw, i)) is not None]
    return found, f.problems


def shipped() -> list[Benchmark]:
    text = resources.files("scorecard").joinpath("benchmarks.yaml").read_text(encoding="utf-8")
    doc, problems = read_yaml(text, "benchmarks.yaml", _KIND)
    found, problems = _check(Fields("benchmarks.yaml", doc, problems), doc)
    if problems:
        raise ValueError(f"the shipped benchmarks do not read: {problems}")  # a packaging bug
    return found


def benchmarks_for(contract_path: str, own: str | None) -> dict[tuple[str, str | None], Benchmark]:
    """(metric, channel) -> benchmark: the shipped ones, replaced by the client's where it has one."""
    table = {(b.metric, b.channel): b for b in shipped()}
    if own:
        found, problems = read_benchmarks(Path(contract_path).parent / own)
        if problems:
            raise ContractError(problems)
        table.update({(b.metric, b.channel): b for b in found})
    return table


def kpi_benchmark(table: dict[tuple[str, str | None], Benchmark], spec: KpiSpec,
                  channel: str | None = None) -> Benchmark | None:
    """A KPI's benchmark: `channel`'s (a per-channel row), else that of the one channel the KPI is
    filtered on, else the metric's any-channel one."""
    channels = spec.filter.get("channel", ())
    return benchmark_of(table, spec.metric, channel or (channels[0] if len(channels) == 1 else None))


def comparable(spec: KpiSpec) -> bool:
    """Whether a KPI is measured as the published figures are (an average, in the metric's own
    unit): a p90 first response or a response rate within a threshold is not held against them."""
    metric = catalog()[spec.metric]
    return metric.target_kind(spec.params) == metric.target_kind({}) and spec.statistic == "mean"


def benchmark_of(table: dict[tuple[str, str | None], Benchmark], metric: str,
                 channel: str | None) -> Benchmark | None:
    """The channel's benchmark, else the metric's any-channel one."""
    return table.get((metric, channel)) or table.get((metric, None))

