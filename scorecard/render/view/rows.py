"""KPI rows: one result (a KPI for one entity in the period) as the words a table shows.

Built from the results frame indexed once per grain (`ResultIndex`), so 2,000 agent cards are
2,000 dictionary lookups, not 2,000 scans. A KPI with per-channel targets or minimums carries one
sub-row per channel, each scored against that channel's own target and minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

import pandas as pd

from ...benchmarks import Benchmark, benchmarks_for, comparable, kpi_benchmark
from ...catalog import catalog
from ...contract.model import Contract
from ...scoring import min_sample
from .. import format as f
from ..stats import is_small_sample, wilson_interval

CHANNEL_INDENT = "\u2003"  # an em space: a channel's line sits under its KPI, on a card as on a slide


class KpiWords:
    """Per-KPI facts (unit, direction, label) of one contract in one language, looked up once, and
    the formats that need them."""

    def __init__(self, contract: Contract, lang: str):
        self.contract = contract
        self.lang = lang
        self._facts: dict[str, tuple[str, str, str]] = {}
        self._benchmarks: dict[tuple[str, str | None], Benchmark] | None = None
        self._found: dict[tuple[str, str | None], tuple[Benchmark | None, bool]] = {}

    def facts(self, kpi: str) -> tuple[str, str, str]:
        """(unit, direction, label) of a contract KPI id; an unknown id reads as a count."""
        if kpi not in self._facts:
            spec = self.contract.kpis.get(kpi)
            metric = catalog().get(spec.metric) if spec else None
            unit = metric.unit_for(spec.params) if metric and spec else "count"
            direction = metric.direction if metric else "neutral"
            self._facts[kpi] = (unit, direction, f.kpi_label(self.contract, kpi, self.lang))
        return self._facts[kpi]

    def value(self, value: Any, kpi: str) -> str:
        return f.fmt_value(value, self.facts(kpi)[0], self.lang, currency=self.contract.currency)

    def target(self, text: Any, kpi: str) -> str:
        return f.fmt_target(text, self.facts(kpi)[0], self.lang, currency=self.contract.currency)

    def benchmark(self, kpi: str, channel: str | None = None) -> tuple[Benchmark | None, bool]:
        """A KPI's industry benchmark (the channel's, else the metric's) and whether the KPI is
        measured as the published figure is (else it is shown, never compared)."""
        if (kpi, channel) not in self._found:
            self._found[(kpi, channel)] = self._benchmark(kpi, channel)
        return self._found[(kpi, channel)]

    def _benchmark(self, kpi: str, channel: str | None) -> tuple[Benchmark | None, bool]:
        spec = self.contract.kpis.get(kpi)
        if spec is None:
            return None, False
        if self._benchmarks is None:
            self._benchmarks = benchmarks_for(self.contract.path, self.contract.governance.benchmarks)
        bench = kpi_benchmark(self._benchmarks, spec, channel)
        return bench, bench is not None and comparable(spec)


class ResultIndex:
    """The results of one grain in one period, by entity then KPI id."""

    def __init__(self, results: pd.DataFrame, period: str, grain: str):
        self.grain = grain
        rows = results[(results["period"] == period) & (results["grain"] == grain)]
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}
        for record in rows.to_dict("records"):
            self.rows.setdefault(str(record["entity"]), {})[record["kpi"]] = record

    def entities(self) -> list[str]:
        return sorted(self.rows)


@dataclass(frozen=True, slots=True)
class KpiRowView:
    """One KPI for one entity, every cell already text in the language.

    `value`, `change` and `n` are the numbers (NaN when absent) for renderers that colour or draw;
    the `*_text` fields are what a reader sees. `target` and `minimum` are the comparisons as the
    results state them (">= 80%"), `target_text` and `minimum_text` as shown ("≥ 80 %").
    `channel` is set on a channel's sub-row, whose `label` is the channel's name indented.
    `interval` is the 95 % Wilson interval of a small-sample rate, `caution` says it in words.
    `note` is the results' note, else `guardrail_why` (the guardrails that made a met KPI amber).
    `benchmark` is the industry figure for the KPI (the channel's on a channel's row), context
    only; `benchmark_alike` says whether the KPI is measured as that figure is (else not compared).
    Both are looked up when read (only the deck reads them: 2,000 agent cards look up none).
    """

    kpi: str
    label: str
    unit: str
    value: float
    value_text: str
    status: str
    status_word: str
    status_icon: str
    target: str | None
    target_text: str
    minimum: str | None
    minimum_text: str
    previous_text: str
    change: float
    change_text: str
    tone: str  # better, worse or "" (a change that reads as zero is neither)
    n: float
    n_text: str
    interval: tuple[float, float] | None
    caution: str
    provisional: bool
    guardrail_why: str
    note: str
    channel: str | None = None
    channels: tuple[KpiRowView, ...] = ()
    found: bool = True  # False: the results have no row for it (every cell a dash, `note` says so)
    words: KpiWords | None = field(default=None, repr=False, compare=False)  # None: no benchmark

    @property
    def benchmark(self) -> Benchmark | None:
        return self.words.benchmark(self.kpi, self.channel)[0] if self.words is not None else None

    @property
    def benchmark_alike(self) -> bool:
        return self.words.benchmark(self.kpi, self.channel)[1] if self.words is not None else False


def is_true(value: Any) -> bool:
    """A frame's boolean cell as a Python bool (numpy and pandas booleans, <NA> is False)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and value is not pd.NA and bool(value)


def number(record: dict[str, Any], column: str) -> float:
    try:
        return float(record.get(column))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _text(record: dict[str, Any], column: str) -> str | None:
    value = record.get(column)
    return value if isinstance(value, str) and value else None


def _small(words: KpiWords, kpi: str, grain: str, value: float, n: float, status: str) -> bool:
    return not math.isnan(value) and (status == "insufficient_sample"
                                      or is_small_sample(n, min_sample(words.contract, kpi, grain)))


def _interval(words: KpiWords, kpi: str, value: float, n: float) -> tuple[float, float] | None:
    if words.facts(kpi)[0] != "rate" or not n > 0:
        return None
    # a rate is successes / n, so value * n is a whole number up to float noise
    return wilson_interval(min(max(round(value * n), 0), int(n)), int(n))


def caution_text(words: KpiWords, kpi: str, grain: str, value: float, n: float, status: str) -> str:
    """Why a value should be read with care: a small sample (against the sample size that applies at
    the grain), with its 95 % Wilson interval for a rate."""
    if not _small(words, kpi, grain, value, n, status):
        return ""
    return _caution(words, kpi, n, _interval(words, kpi, value, n))


def _caution(words: KpiWords, kpi: str, n: float, interval: tuple[float, float] | None) -> str:
    """A small sample's words, with its interval when it has one."""
    text = f.t("small_sample", words.lang, n=f.fmt_number(n, 0, words.lang))
    if interval is not None:
        text += "; " + f.t("interval", words.lang, low=words.value(interval[0], kpi),
                           high=words.value(interval[1], kpi))
    return f.typeset(text, words.lang)


def guardrail_why(words: KpiWords, record: dict[str, Any]) -> str:
    """Why a met KPI is amber: the guardrails (results' `guardrail` column) that missed, by label."""
    missed = [k.strip() for k in str(record.get("guardrail") or "").split(",") if k.strip()]
    if not missed:
        return ""
    return f.t("guardrail_missed", words.lang, kpis=", ".join(words.facts(k)[2] for k in missed))


def _missing(words: KpiWords, kpi: str) -> KpiRowView:
    """A KPI with no result says so instead of a zero."""
    unit, _, label = words.facts(kpi)
    status = "not_measurable"
    return KpiRowView(kpi, label, unit, math.nan, f.MISSING, status, f.status_label(status, words.lang),
                      f.status_icon(status), None, f.MISSING, None, f.MISSING, f.MISSING, math.nan, f.MISSING,
                      "", math.nan, f.MISSING, None, "", False, "", f.t("no_result", words.lang), found=False)


def _row(words: KpiWords, record: dict[str, Any], kpi: str, grain: str, channel: str | None = None) -> KpiRowView:
    unit, direction, label = words.facts(kpi)
    lang, currency = words.lang, words.contract.currency
    value, n, change = number(record, "value"), number(record, "n"), number(record, "change")
    status = str(record.get("status") or "not_measurable")
    change_text = f.fmt_change(change, unit, lang, currency=currency)
    why = guardrail_why(words, record)
    small = _small(words, kpi, grain, value, n, status)
    interval = _interval(words, kpi, value, n) if small else None
    return KpiRowView(
        kpi=kpi, label=label, unit=unit, value=value, value_text=words.value(value, kpi),
        status=status, status_word=f.status_label(status, lang), status_icon=f.status_icon(status),
        target=_text(record, "target"), target_text=words.target(record.get("target"), kpi),
        minimum=_text(record, "minimum"), minimum_text=words.target(record.get("minimum"), kpi),
        previous_text=words.value(number(record, "previous"), kpi),
        change=change, change_text=change_text,
        tone=f.change_tone(change, direction) if change_text.startswith(("+", f.MINUS)) else "",
        n=n, n_text=f.MISSING if math.isnan(n) else f.fmt_number(n, 0, lang),
        interval=interval, caution=_caution(words, kpi, n, interval) if small else "",
        provisional=is_true(record.get("provisional")),
        guardrail_why=why, note=str(record.get("note") or "") or why,
        channel=channel, words=words,
    )


def channel_order(contract: Contract, kpi: str, present: Iterable[str]) -> list[str]:
    """The channels a KPI has rows for: those the contract names (targets, then minimums) first, in
    its order, then the others alphabetically; none when the KPI has no per-channel threshold."""
    spec = contract.kpis.get(kpi)
    if spec is None or not (spec.per_channel_targets or spec.per_channel_minimums):
        return []
    named = list(dict.fromkeys([*spec.per_channel_targets, *spec.per_channel_minimums]))
    found = sorted(present)
    return [c for c in named if c in found] + [c for c in found if c not in named]


def kpi_row(words: KpiWords, index: ResultIndex, entity: str, kpi: str,
            channels: ResultIndex | None = None) -> KpiRowView:
    """The row of one KPI for one entity; with `channels` (the grain channel's index), its
    per-channel sub-rows."""
    record = index.rows.get(entity, {}).get(kpi)
    if record is None:
        return _missing(words, kpi)
    row = _row(words, record, kpi, index.grain)
    if channels is None:
        return row
    present = [c for c in channels.entities() if kpi in channels.rows[c]]
    subs = tuple(replace(_row(words, channels.rows[c][kpi], kpi, channels.grain, c),
                         label=CHANNEL_INDENT + f.word("channels", c, words.lang, default=c))
                 for c in channel_order(words.contract, kpi, present))
    return replace(row, channels=subs)


def lines(rows: Iterable[KpiRowView]) -> list[KpiRowView]:
    """A table's lines: each KPI's row, then its channels' rows under it."""
    return [line for row in rows for line in (row, *row.channels)]
