"""Row sources and measures for the KPIs computed outside the interactions table:
QA evaluations, calibration sessions, QA audits, QA items, workforce and costs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np
import pandas as pd

from ..contract.model import KpiSpec
from .formulas import cost_unit
from .interactions import ArrayTerms
from .measure import Measure, NotMeasurable, RowSource, indicator
from . import operations as ops

if TYPE_CHECKING:
    from .engine import Engine


def _qa_source(engine: "Engine", kpi: KpiSpec) -> tuple[RowSource, np.ndarray] | NotMeasurable:
    """Evaluations outside calibration (optionally one side), each with the score it counts for."""
    side, fatal = kpi.params.get("side"), bool(kpi.params.get("fatal_error_zeroes"))

    def build():
        qa = engine._table("qa_evaluations")
        if isinstance(qa, NotMeasurable):
            return qa
        rows, score = ops.qa_scored(qa, kpi, engine.facts.cleared_of("qa_evaluations", qa))
        return rows.assign(_score=score)
    src = engine._source(f"qa:{side}:{fatal}", build)
    if isinstance(src, NotMeasurable):
        return src
    return src, src.frame["_score"].to_numpy(dtype="float64")


def _calibration_source(engine: "Engine", kpi: KpiSpec) -> RowSource | NotMeasurable:
    reference, tolerance = kpi.params.get("reference", "reference"), float(kpi.params.get("tolerance", 5))

    def build():
        qa = engine._table("qa_evaluations")
        if isinstance(qa, NotMeasurable):
            return qa
        if "calibration_session" not in qa:
            return NotMeasurable("qa_evaluations has no column calibration_session")
        from ..calibration import calibration_deviations
        dev = calibration_deviations(qa, reference=reference, tolerance=tolerance)
        grains = [c for c in ("agent_id", "team_id") if c in qa and c not in dev]
        return dev.join(qa[grains]) if grains else dev
    return engine._source(f"calibration:{reference}:{tolerance}", build)


def measure_for(engine: "Engine", kpi: KpiSpec) -> Measure | NotMeasurable:
    """The measure of a QA, workforce or paid-hours cost KPI."""
    name = kpi.metric
    if name == "quality_score":
        got = _qa_source(engine, kpi)
        if isinstance(got, NotMeasurable):
            return got
        src, score = got
        return _filtered(engine, src, kpi, lambda base: ops.quality_score(kpi, src, base, score))
    if name in ("calibration_within_tolerance", "calibration_variance"):
        return _over(engine, kpi, _calibration_source(engine, kpi), ops.calibration_measure)
    if name == "qa_audit_variance":
        return _over(engine, kpi, engine._source("audit", lambda: _audit_frame(engine)), ops.audit_measure)
    if name == "qa_error_rate":
        return _over(engine, kpi, engine._source("qa_items", lambda: _items_frame(engine)), ops.qa_error_rate)
    if name in ops.WORKFORCE_RATIOS:
        return _over(engine, kpi, engine._source("workforce", lambda: _workforce(engine)), ops.workforce_measure)
    if name == "cost_per_unit":  # unit: paid_hours
        return _over(engine, kpi, engine._source("workforce", lambda: _workforce(engine)),
                     lambda k, src, base: _cost_over(engine, k, src, base, _paid_hours(src, base)))
    return NotMeasurable(f"metric {name} has no computation")


def _over(engine: "Engine", kpi: KpiSpec, src: RowSource | NotMeasurable,
          measure: Callable[[KpiSpec, RowSource, np.ndarray], Measure | NotMeasurable]) -> Measure | NotMeasurable:
    """`measure` over a source's rows in the KPI's filter, or the note of a source that is missing."""
    if isinstance(src, NotMeasurable):
        return src
    return _filtered(engine, src, kpi, lambda base: measure(kpi, src, base))


def _workforce(engine: "Engine"):
    workforce = engine._table("workforce")
    if isinstance(workforce, NotMeasurable):
        return workforce
    return ops.with_actual_contacts(workforce, engine.tables.get("interactions"), engine.contract.timezone)


def _filtered(engine: "Engine", src: RowSource, kpi: KpiSpec, build) -> Measure | NotMeasurable:
    base, note = engine.rows_for(src, kpi)
    return NotMeasurable(note) if note else build(base)


def _audit_frame(engine: "Engine"):
    qa = engine._table("qa_evaluations")
    if isinstance(qa, NotMeasurable):
        return qa
    from ..calibration import audit_pairs
    pairs = audit_pairs(qa)
    if pairs.empty:
        return NotMeasurable("qa_evaluations has no interaction scored by both the vendor and the client "
                             "(column evaluator_side)")
    return pairs


def _items_frame(engine: "Engine"):
    items, qa = engine._table("qa_items"), engine._table("qa_evaluations")
    if isinstance(items, NotMeasurable):
        return items
    if isinstance(qa, NotMeasurable):
        return qa
    if "failed" not in items:
        return NotMeasurable("qa_items has no column failed")
    from ..calibration import evaluated_items
    columns = [c for c in ("evaluated_at", "agent_id", "team_id", "evaluator_id") if c in qa]
    return evaluated_items(items, qa, columns)


def _paid_hours(src: RowSource, base: np.ndarray) -> np.ndarray | NotMeasurable:
    if "paid_hours" not in src.frame:
        return NotMeasurable("workforce has no column paid_hours")
    return np.where(base, np.nan_to_num(src.frame["paid_hours"].to_numpy(dtype="float64")), 0.0)


def cost_per_contact(engine: "Engine", kpi: KpiSpec, src: RowSource, base: np.ndarray) -> Measure | NotMeasurable:
    """Costs of the period / handled (or resolved) contacts of the period; n = that count."""
    rows = engine.interaction_rows()
    if isinstance(rows, NotMeasurable):
        return rows
    unit = cost_unit(kpi, ArrayTerms(rows, src, base))
    if isinstance(unit, NotMeasurable):
        return unit
    return _cost_over(engine, kpi, src, base, indicator(unit))


def _cost_over(engine: "Engine", kpi: KpiSpec, src: RowSource, base: np.ndarray,
               unit: np.ndarray | NotMeasurable) -> Measure | NotMeasurable:
    if isinstance(unit, NotMeasurable):
        return unit
    costs = engine._table("costs")
    if isinstance(costs, NotMeasurable):
        return costs
    totals = ops.per_period_totals(costs, "amount", engine.all_labels())
    return Measure(src, base, num=unit, den=unit,
                   combine=ops.divided_by_period_total(totals, total_is_numerator=True))


def agents_meeting_quality(engine: "Engine", kpi: KpiSpec, grains: list[str]) -> pd.DataFrame | NotMeasurable:
    """Share of evaluated agents whose mean QA score >= threshold, per period and entity: a mean per
    agent first, so it is computed from the (small) QA table rather than from row sums."""
    got = _qa_source(engine, kpi)
    if isinstance(got, NotMeasurable):
        return got
    src, score = got
    base, note = engine.rows_for(src, kpi)
    if note:
        return NotMeasurable(note)
    threshold = float(kpi.params["threshold"])
    scored = base & ~np.isnan(score)
    agent = pd.factorize(src.frame["agent_id"].astype("string"))[0]
    parts = []
    for kind in engine.labels:
        # integer codes, the labels sorted so that groups come out in the order of the labels
        period, periods = pd.factorize(engine.period_series(src, kind), sort=True)
        for grain in grains:
            entity_labels = engine.entity_series(src, grain)
            if entity_labels is None:
                continue
            entity, entities = pd.factorize(entity_labels, sort=True)
            rows = scored & (period >= 0) & (entity >= 0) & (agent >= 0)
            keys = [period[rows], entity[rows], agent[rows]]
            per_agent = pd.Series(score[rows]).groupby(keys).mean()
            meets = (per_agent >= threshold - 1e-9).groupby(level=[0, 1])
            num, n = meets.sum(), meets.count()
            parts.append(pd.DataFrame({
                "period": np.asarray(periods, dtype=object)[num.index.get_level_values(0)],
                "entity": np.asarray(entities, dtype=object)[num.index.get_level_values(1)], "grain": grain,
                "value": num.to_numpy() / n.to_numpy(), "n": n.to_numpy(), "provisional": False}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
