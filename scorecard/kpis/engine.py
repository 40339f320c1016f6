"""The KPI engine: every contract KPI per period and grain, as raw results.

Order of work: derive per-row facts once per source, reduce each KPI to per-row columns (measure),
then aggregate them with sums per (period, entity) through `GroupIndex`, the one aggregation
interface. Quantiles take the separate exact path. Output columns: docs/ARCHITECTURE.md, stage 3.
"""

from __future__ import annotations

import itertools
from functools import cached_property
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from ..catalog import metric as catalog_metric
from ..contract.model import GRAINS, Contract, KpiSpec
from ..periods import Period, month_to_period, period_end_utc
from .aggregate import Codes, FineIndex, GroupIndex, RawRows
from .base import kpi_base
from .derive import Filters, InteractionRows
from .inputs import InputFacts
from .interactions import BUILDERS
from .measure import Measure, NotMeasurable, RowSource, local_month_codes, ratio_value
from . import operations as ops
from . import qa as qsrc

GRAIN_COLUMNS = [g for g in GRAINS if g != "vendor"]
RAW_COLUMNS = ["period", "kpi", "metric", "grain", "entity", "value", "n", "provisional", "note"]
VENDOR_ONLY = {"cost_per_unit", "contacts_per_booking", "contacts_per_customer"}


class Engine:
    """Computes raw results for one contract, dataset and set of asked periods."""

    def __init__(self, contract: Contract, tables: dict[str, pd.DataFrame], periods: Sequence[Period],
                 grains: Sequence[str], facts: InputFacts | None = None):
        self.contract = contract
        self.tables = tables
        self.facts = facts or InputFacts()
        self.periods = list(periods)
        self.grains = list(dict.fromkeys(["vendor", *grains]))
        self.labels: dict[str, dict[str, list[str]]] = {}
        for p in self.periods:
            self.labels.setdefault(p.kind, {})[p.label] = p.months()
        self._sources: dict[str, RowSource | NotMeasurable] = {}
        self._period_cache: dict[tuple[str, str], Codes] = {}
        self._entity_cache: dict[tuple[str, str], Codes | None] = {}
        self._fine_cache: dict[str, FineIndex] = {}
        self._index_cache: dict[tuple[str, str, str], GroupIndex] = {}
        self._filters: dict[str, Filters] = {}

    @cached_property
    def interactions(self) -> InteractionRows | None:
        """Derived interaction rows, built on first use (an SQL engine may never need them)."""
        return InteractionRows(self.tables["interactions"], self.contract) if "interactions" in self.tables else None

    def interaction_rows(self) -> InteractionRows | NotMeasurable:
        """The derived interaction rows, or the note of a missing interactions table."""
        rows = self.interactions
        return NotMeasurable("no interactions table in the data") if rows is None else rows

    # -- sources ---------------------------------------------------------------------------------
    def _source(self, key: str, build) -> RowSource | NotMeasurable:
        if key not in self._sources:
            result = build()
            if isinstance(result, pd.DataFrame):
                ts_col = "interval_start" if key == "workforce" else (
                    "created_at" if key == "interactions" else "evaluated_at")
                result = RowSource(key, result, local_month_codes(result[ts_col], self.contract.timezone))
            self._sources[key] = result
        return self._sources[key]

    def _table(self, name: str) -> pd.DataFrame | NotMeasurable:
        if name not in self.tables:
            return NotMeasurable(f"no {name} table in the data")
        return self.tables[name]

    def interaction_source(self) -> RowSource | NotMeasurable:
        return self._source("interactions", lambda: self._table("interactions"))

    # -- KPIs ------------------------------------------------------------------------------------
    def run(self, kpis: Sequence[KpiSpec] | None = None, grains: Sequence[str] | None = None) -> pd.DataFrame:
        """Raw results of `kpis` (default: the contract's) at `grains` (default: the engine's).
        Derived rows, repeat contacts and group indexes are kept between runs."""
        grains = self.grains if grains is None else list(dict.fromkeys(grains))
        frames = [self._kpi(kpi, grains) for kpi in (self.contract.kpis.values() if kpis is None else kpis)]
        if not frames:
            return pd.DataFrame(columns=RAW_COLUMNS)
        out = pd.concat(frames, ignore_index=True)
        out["n"] = out["n"].fillna(0).round().astype("int64")
        return out[RAW_COLUMNS]

    def _kpi(self, kpi: KpiSpec, grains: list[str]) -> pd.DataFrame:
        """One KPI's raw rows at the given grains (plus channel where it is split)."""
        table = catalog_metric(kpi.metric).table
        constant = self.facts.constant_note(kpi)
        if constant:
            return self._not_measurable(kpi, constant)
        if kpi.metric == "backlog":
            return self._backlog(kpi, grains)
        if kpi.metric == "agents_meeting_quality":
            return self._emit(kpi, qsrc.agents_meeting_quality(self, kpi, self.kpi_grains(kpi, grains)))
        if table == "interactions" or kpi.metric in ("contacts_per_booking", "contacts_per_customer") or (
                kpi.metric == "cost_per_unit" and kpi.params.get("unit") != "paid_hours"):
            measure = self._interaction_measure(kpi)
        else:
            measure = qsrc.measure_for(self, kpi)
        if isinstance(measure, NotMeasurable):
            return self._not_measurable(kpi, measure.note)
        return self._emit(kpi, self._aggregate(kpi, measure, grains))

    def _interaction_measure(self, kpi: KpiSpec) -> Measure | NotMeasurable:
        src = self.interaction_source()
        if isinstance(src, NotMeasurable):
            return src
        base, note = self.rows_for(src, kpi)
        if note:
            return NotMeasurable(note)
        if kpi.metric in ("contacts_per_booking", "contacts_per_customer"):
            return self._per_volume(kpi, src, base)
        if kpi.metric == "cost_per_unit":
            return qsrc.cost_per_contact(self, kpi, src, base)
        rows = self.interaction_rows()
        return rows if isinstance(rows, NotMeasurable) else BUILDERS[kpi.metric](kpi, rows, src, base)

    def _per_volume(self, kpi: KpiSpec, src: RowSource, base: np.ndarray) -> Measure | NotMeasurable:
        volumes = self._table("volumes")
        column = "bookings" if kpi.metric == "contacts_per_booking" else "active_customers"
        if isinstance(volumes, NotMeasurable):
            return volumes
        if column not in volumes:
            return NotMeasurable(f"volumes has no column {column}")
        totals = ops.per_period_totals(volumes, column, self.all_labels())
        return Measure(src, base, num=base, den=base,
                       combine=ops.divided_by_period_total(totals, total_is_numerator=False))

    def rows_for(self, src: RowSource, kpi: KpiSpec) -> tuple[np.ndarray, str]:
        """The KPI's base rows of a source (kpis/base.py), with a note when its filter names a
        column the data lacks; the cleared cells apply when the source is the canonical table itself."""
        if src.name not in self._filters:
            self._filters[src.name] = Filters(src.frame, self.facts.cleared_of(src.name, src.frame))
        return kpi_base(kpi, self._filters[src.name], own_table=src.name == catalog_metric(kpi.metric).table)

    def all_labels(self) -> dict[str, list[str]]:
        return {label: months for labels in self.labels.values() for label, months in labels.items()}

    # -- aggregation -----------------------------------------------------------------------------
    def period_series(self, src: RowSource, kind: str) -> pd.Series:
        """Each row's period label of this kind, <NA> outside the asked periods."""
        labels = month_to_period(src.month, kind)
        return labels.where(labels.isin(list(self.labels[kind])).fillna(False))

    def fine_index(self, src: RowSource) -> FineIndex:
        """Stage 1 key of a source: month x every grain column it has (see aggregate.py)."""
        if src.name not in self._fine_cache:
            grains = (Codes.of(src.frame[g]) for g in GRAIN_COLUMNS if g in src.frame)
            self._fine_cache[src.name] = FineIndex(len(src.frame), itertools.chain([src.months], grains))
        return self._fine_cache[src.name]

    def _period_codes(self, src: RowSource, kind: str) -> Codes:
        """Period label of each fine group (<NA> outside the asked periods); kind "*": one period for
        all (the backlog's, not kept: a constant is cheap to make again)."""
        fine = self.fine_index(src)
        if kind == "*":
            return Codes.constant(fine.size, "*")
        key = (src.name, kind)
        if key not in self._period_cache:
            labels = month_to_period(src.months.labels(fine.first_row), kind)
            self._period_cache[key] = Codes.of(labels.where(labels.isin(list(self.labels[kind])).fillna(False)))
        return self._period_cache[key]

    def entity_series(self, src: RowSource, grain: str) -> pd.Series | None:
        if grain == "vendor":
            return pd.Series(np.full(len(src.frame), self.contract.vendor, dtype=object))
        if grain not in src.frame:
            return None
        return src.frame[grain].astype("string")

    def _entity_codes(self, src: RowSource, grain: str) -> Codes | None:
        """Entity of each fine group at a grain (None when the source has no such column)."""
        key = (src.name, grain)
        if key not in self._entity_cache:
            fine = self.fine_index(src)
            if grain == "vendor":
                self._entity_cache[key] = Codes.constant(fine.size, self.contract.vendor)
            elif grain in src.frame:
                self._entity_cache[key] = Codes.of(src.frame[grain].iloc[fine.first_row].reset_index(drop=True))
            else:
                self._entity_cache[key] = None
        return self._entity_cache[key]

    def group_index(self, src: RowSource, kind: str, grain: str, keep: bool = True) -> GroupIndex | None:
        """Stage 2 index of a source for one period kind and grain (cached unless `keep` is False:
        three int arrays over the fine groups, 15 MB each at 5 M rows, kept through the sections)."""
        key = (src.name, kind, grain)
        if key in self._index_cache:
            return self._index_cache[key]
        entity = self._entity_codes(src, grain)
        if entity is None:
            return None
        idx = GroupIndex(self._period_codes(src, kind), entity)
        if keep:
            self._index_cache[key] = idx
        return idx

    def kpi_grains(self, kpi: KpiSpec, grains: list[str]) -> list[str]:
        """The engine's grains, plus channel for a KPI with per-channel targets (split by channel)."""
        split = ["channel"] if kpi.per_channel_targets or kpi.per_channel_minimums else []
        return list(dict.fromkeys([*grains, *split]))

    def _aggregate(self, kpi: KpiSpec, m: Measure, grains: list[str]) -> pd.DataFrame:
        fine = self.fine_index(m.source)
        partial = {name: fine.sum(col) for name, col in (
            ("base", m.base), ("num", m.num), ("den", m.den), ("n", m.n), ("prov", m.provisional))
            if col is not None}
        if m.q is not None and m.obs is not None:  # a quantile measure (measure.duration_measure)
            partial["obs"], obs_codes, obs = _sorted_observations(fine, m)
        out = RawRows()
        grains = ["vendor"] if kpi.metric in VENDOR_ONLY else self.kpi_grains(kpi, grains)
        for kind in self.labels:
            for grain in grains:
                idx = self.group_index(m.source, kind, grain)
                if idx is None:
                    continue
                present = idx.sum(partial["base"]) > 0
                provisional = idx.sum(partial["prov"]) > 0 if "prov" in partial else np.zeros(idx.size, bool)
                if m.q is not None and "obs" in partial:
                    n = idx.sum(partial["obs"])
                    value = idx.quantile(obs_codes, obs, m.q, n)
                else:
                    value, n, combined = ratio_value(idx.keys if m.combine else None, idx.sum(partial["num"]),
                                                     idx.sum(partial["den"]), m.combine)
                    provisional = provisional if combined is None else combined
                    if m.transform is not None:
                        value = m.transform(value)
                if "n" in partial:
                    n = idx.sum(partial["n"])
                out.add(idx, present, grain, value, n, provisional)
        return out.frame()

    def _backlog(self, kpi: KpiSpec, grains: list[str]) -> pd.DataFrame:
        """Backlog at each period end: async contacts in the filter created by then and not resolved
        by then (convention 8). Not a sum over the period's rows, so it has its own loop."""
        src = self.interaction_source()
        if isinstance(src, NotMeasurable) or "resolved_at" not in src.frame:
            note = src.note if isinstance(src, NotMeasurable) else "interactions has no column resolved_at"
            return self._not_measurable(kpi, note)
        base, note = self.rows_for(src, kpi)
        if note:
            return self._not_measurable(kpi, note)
        derived = self.interaction_rows()
        if isinstance(derived, NotMeasurable):
            return self._not_measurable(kpi, derived.note)
        rows = np.flatnonzero(base & ~derived.live)  # async contacts in the filter
        created = src.frame["created_at"].to_numpy(dtype="datetime64[ns]")[rows]
        resolved = src.frame["resolved_at"].to_numpy(dtype="datetime64[ns]")[rows]
        fine = self.fine_index(src)
        codes = fine.codes[rows]
        # A fine group's rows share its month (the fine index's first key): an entity has a row
        # created in the period when one of its fine groups with such rows is of the period's months.
        with_rows = np.bincount(codes, minlength=fine.size) > 0
        group_month = src.months.codes[fine.first_row]
        out = RawRows()
        indexes = {g: self.group_index(src, "*", g, keep=False) for g in self.kpi_grains(kpi, grains)}
        for period in self.periods:
            end = period_end_utc(period, self.contract.timezone).tz_localize(None).to_datetime64()
            open_at_end = fine.sum((created < end) & ~(resolved < end), codes)
            in_period = with_rows & np.isin(group_month, np.flatnonzero(np.isin(src.months.values, period.months())))
            for grain, idx in indexes.items():
                if idx is None:
                    continue
                count = idx.sum(open_at_end)
                out.add(idx, (count > 0) | (idx.sum(in_period) > 0), grain, count, count, False, period.label)
        return self._emit(kpi, out.frame())

    # -- output ----------------------------------------------------------------------------------
    def _emit(self, kpi: KpiSpec, frame: pd.DataFrame | NotMeasurable) -> pd.DataFrame:
        if isinstance(frame, NotMeasurable):
            return self._not_measurable(kpi, frame.note)
        vendor = self.contract.vendor
        have = set(frame.loc[frame["grain"] == "vendor", "period"]) if len(frame) else set()
        missing = [p.label for p in self.periods if p.label not in have]
        if missing:  # the vendor row exists for every asked period, even with no observation
            frame = pd.concat([frame, pd.DataFrame({
                "period": missing, "entity": vendor, "grain": "vendor", "value": np.nan, "n": 0,
                "provisional": False})], ignore_index=True)
        return frame.assign(kpi=kpi.id, metric=kpi.metric, note="")

    def _not_measurable(self, kpi: KpiSpec, note: str) -> pd.DataFrame:
        return pd.DataFrame({
            "period": [p.label for p in self.periods], "kpi": kpi.id, "metric": kpi.metric,
            "grain": "vendor", "entity": self.contract.vendor, "value": np.nan, "n": 0,
            "provisional": False, "note": note})


def _sorted_observations(fine: FineIndex, m: Measure) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(observations per fine group, each observation's fine group, the observations ascending):
    made once for every grain and period. The measure's per-row observations are taken out of it
    (`m.obs` is None after): the last reader, they would sit beside the sorted copies and the
    quantiles' keys, 8 bytes a row (400 MB at 50 M rows)."""
    values, m.obs = m.obs, None
    assert values is not None  # a quantile measure's (the caller asks only those)
    observed = ~np.isnan(values)
    obs = values[observed]
    del values
    counts = fine.sum(observed)
    codes = fine.codes[observed]
    del observed
    kind = _sort_kind(obs)
    packed = _packed_range(obs, fine.size) if kind == "quicksort" else None
    if packed is not None:
        (low, high), bits, dtype = packed, int(fine.size).bit_length(), codes.dtype
        # whole numbers of magnitude below 2**24 are exact in float32: 4 bytes an observation fewer
        # through every grain's quantile (the reader takes its two values per group as float64)
        narrow = max(-low, high) < 2 ** 24
        key = _packed_keys(obs, codes, bits, low)
        del obs, codes  # 12 bytes an observation not held beside the keys
        key.sort()
        return counts, *_unpacked(key, bits, low, dtype, np.float32 if narrow else np.float64)
    ascending = np.argsort(obs, kind=kind)
    codes = codes[ascending]
    obs = obs[ascending]
    return counts, codes, obs


def _sort_kind(values: np.ndarray) -> Literal["stable", "quicksort"]:
    """How to sort observations (no NaN) before the quantiles: quicksort (3.6x faster than a stable
    sort) unless they hold a -0.0. Values comparing equal are then the same bits, so any order of
    them gives every group the same sorted values as the stable sort."""
    return "stable" if np.signbit(values[values == 0]).any() else "quicksort"


PACKED_AT_ONCE = 1 << 20  # observations checked at a time for whole numbers (_packed_range)


def _packed_range(obs: np.ndarray, groups: int) -> tuple[int, int] | None:
    """(least, greatest) when every observation is a whole number below 2**53 (each one exact as an
    int64) and (value - least) << bits of the groups, | group, fits an int64 (durations between
    timestamps to the second, the usual case), else None."""
    if not len(obs):
        return None
    low, high = float(obs.min()), float(obs.max())
    if not (np.isfinite(low) and np.isfinite(high) and max(-low, high) < 2.0 ** 53
            and high - low < 2.0 ** (62 - int(groups).bit_length())):
        return None
    whole = all(np.array_equal(part, np.floor(part)) for part in
                (obs[start:start + PACKED_AT_ONCE] for start in range(0, len(obs), PACKED_AT_ONCE)))
    return (int(low), int(high)) if whole else None


def _packed_keys(obs: np.ndarray, codes: np.ndarray, bits: int, low: int) -> np.ndarray:
    """Whole-number observations and their fine groups as one int64 key each, (value - low) << bits
    | group (`_packed_range` says they fit): sorted, the values come out ascending with their groups,
    np.sort of int64 keys being vectorised and needing no gathers, 2.5x faster than the argsort of
    the values and the two gathers it needs (4 M observations, the 5 M bench's TRT). Equal values
    come out in group order, not row order: the same bits (no -0.0: _sort_kind), so every group
    reads the values a stable sort gives it."""
    key = obs.astype(np.int64)
    key -= low
    key <<= bits
    key |= codes
    return key


def _unpacked(key: np.ndarray, bits: int, low: int, dtype: np.dtype, float_type: type) -> tuple[np.ndarray, np.ndarray]:
    """(fine groups, values as `float_type`) of sorted packed keys; the keys are overwritten."""
    codes = np.empty(len(key), dtype=dtype)
    np.bitwise_and(key, (1 << bits) - 1, out=codes, casting="unsafe")  # no int64 copy of the groups
    key >>= bits
    key += low
    return codes, key.astype(float_type)


def compute_kpis(contract: Contract, tables: dict[str, pd.DataFrame], periods: Sequence[Period],
                 grains: Sequence[str], facts: InputFacts | None = None) -> pd.DataFrame:
    """Raw results for every KPI of the contract (see docs/ARCHITECTURE.md, stage 3)."""
    return Engine(contract, tables, periods, grains, facts).run()
