"""A realistic Evaluation built by hand, with exactly the documented columns (docs/ARCHITECTURE.md).

Deck tests need slides whose content they can predict (a red KPI, a chronic failure, an overdue
action, a missing section) without running the whole pipeline: six months of the demo contract
(the spec's sketch), seeded so every run draws the same slides.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pandas as pd

from scorecard.credits import compute_credits

from scorecard.catalog import catalog
from scorecard.contract.loader import load_contract
from scorecard.contract.model import Contract, KpiSpec
from scorecard.evaluate import Evaluation
from scorecard.periods import months_between

REPO = Path(__file__).resolve().parents[1]
SKETCH = REPO / "contracts" / "acme-travel-nordlys.yaml"
MONTHS = months_between("2025-10", "2026-03")
REASONS = {"booking change": 5200, "refund": 3900, "baggage": 2100, "payment issue": 1500,
           "check-in": 1200, "loyalty points": 800, "invoice copy": 450, "other": 300}
EVALUATORS = ("QA-ANNA", "QA-BRUNO", "QA-CHLOE", "QA-DAVID", "QA-EMMA")


def sketch_contract() -> Contract:
    """The demo contract (the spec's sketch), through the real loader."""
    return load_contract(SKETCH)


def _status(spec: KpiSpec, value: float, n: int) -> str:
    if n < spec.min_sample:
        return "insufficient_sample"
    if spec.target.met(value):
        return "green"
    if spec.minimum is None or not spec.minimum.met(value):
        return "red"
    return "amber"


def _value(spec: KpiSpec, rng: random.Random, drift: float) -> float:
    """A value around the target: mostly met, sometimes missed, in the metric's base unit."""
    t = spec.target.value
    factor = rng.uniform(0.9, 1.1) + drift
    if spec.target.higher_is_better:
        value = t * (factor + 0.04)
    else:
        value = t * (2 - factor - 0.04)
    return min(value, 0.995) if catalog()[spec.metric].unit == "rate" else value


def _kpi_rows(contract: Contract, rng: random.Random) -> pd.DataFrame:
    rows = []
    for kid, spec in contract.kpis.items():
        metric = catalog()[spec.metric]
        trend = rng.uniform(-0.02, 0.02)
        for grain, entities in (("vendor", [contract.vendor]), ("team_id", ["T1", "T2"])):
            for entity in entities:
                for i, month in enumerate(MONTHS):
                    value = _value(spec, rng, trend * i)
                    n = rng.randint(80, 5000) if grain == "vendor" else rng.randint(20, 900)
                    status = _status(spec, value, n)
                    attain = value / spec.target.value if spec.target.higher_is_better else spec.target.value / value
                    rows.append(dict(period=month, kpi=kid, metric=spec.metric, grain=grain, entity=entity,
                                     value=value, n=n, provisional=False, note="",
                                     target=spec.target.text, minimum=spec.minimum.text if spec.minimum else "",
                                     status=status, unit=metric.unit, direction=metric.direction,
                                     attainment=attain, points=min(100.0, 100 * attain)))
    frame = pd.DataFrame(rows)
    keys = ["kpi", "grain", "entity"]
    frame["previous"] = frame.groupby(keys)["value"].shift(1)
    frame["change"] = frame["value"] - frame["previous"]
    return frame


def _overall(contract: Contract, history: pd.DataFrame) -> pd.DataFrame:
    weights = contract.scoring.weights
    rows = []
    for month in MONTHS:
        vend = history[(history.period == month) & (history.grain == "vendor")].set_index("kpi")
        score = sum(vend.loc[k, "points"] * w for k, w in weights.items()) / sum(weights.values())
        share = next((b for at, b in contract.incentives.bands if score >= at), 0.0)
        bonus = share * contract.incentives.bonus_pool * contract.monthly_fee
        rows.append(dict(period=month, score=score, weights_used=float(sum(weights.values())), skipped="",
                         bonus_share=share, bonus=bonus,
                         explanation=f"weighted mean of {len(weights)} KPI points = {score:.1f}; "
                                     f"band {share:.0%} of the bonus pool"))
    return pd.DataFrame(rows)


def _credits(contract: Contract, history: pd.DataFrame) -> pd.DataFrame:
    """The real credit arithmetic over the fixture's scored history (the deck shows what credits.py says)."""
    return compute_credits(history[history.grain == "vendor"], contract, MONTHS)


def _calibration(rng: random.Random) -> pd.DataFrame:
    rows = []
    for month in MONTHS[-3:]:
        for ev in EVALUATORS:
            bias = rng.uniform(-4.5, 4.5)
            rows.append(dict(period=month, evaluator_id=ev, sessions=4, scores=rng.randint(10, 16),
                             within_tolerance=rng.uniform(0.7, 1.0), mean_abs_deviation=abs(bias) + rng.uniform(0.5, 2),
                             bias=bias, spread=rng.uniform(1, 4),
                             tendency="lenient" if bias > 2 else ("harsh" if bias < -2 else "balanced"),
                             krippendorff_alpha=float("nan")))
        rows.append(dict(period=month, evaluator_id="ALL", sessions=4, scores=60, within_tolerance=0.86,
                         mean_abs_deviation=2.9, bias=0.3, spread=2.5, tendency="balanced",
                         krippendorff_alpha=rng.uniform(0.62, 0.81)))
    return pd.DataFrame(rows)


def _sections(rng: random.Random) -> dict[str, pd.DataFrame]:
    reasons = []
    for month in MONTHS:
        total = 0
        counts = {r: int(v * rng.uniform(0.85, 1.15)) for r, v in REASONS.items()}
        total = sum(counts.values())
        for reason, contacts in counts.items():
            reasons.append(dict(period=month, reason=reason, contacts=contacts, share=contacts / total,
                                dsat=rng.uniform(0.03, 0.16 if reason == "refund" else 0.08),
                                repeat_rate=rng.uniform(0.1, 0.38 if reason == "payment issue" else 0.2)))
    workforce = []
    for month in MONTHS:
        forecast = rng.randint(14000, 16000)
        actual = int(forecast * rng.uniform(0.9, 1.1))
        required = actual * 0.16
        workforce.append(dict(period=month, forecast_contacts=float(forecast), actual_contacts=float(actual),
                              required_hours=required, scheduled_hours=required * rng.uniform(0.93, 1.05),
                              paid_hours=required * 1.3, handling_hours=required * rng.uniform(0.95, 1.02)))
    return {"contact_reasons": pd.DataFrame(reasons), "workforce": pd.DataFrame(workforce)}


def make_evaluation(contract: Contract | None = None, *, seed: int = 7, sections: bool = True,
                    calibration: bool = True) -> Evaluation:
    """Six months (2025-10 .. 2026-03) of the contract; the forum's period is 2026-03. Without
    `sections` there is no contact-reason or workforce table (and the workforce KPIs are not
    measurable); without `calibration` there are no calibration sessions."""
    contract = contract or sketch_contract()
    rng = random.Random(seed)
    history = _kpi_rows(contract, rng)
    if not sections:  # no workforce table: its KPIs are not measurable, as the engine reports them
        lost = history["metric"].isin(["utilization", "staffing_to_forecast", "forecast_accuracy"])
        history.loc[lost, ["value", "previous", "change", "attainment", "points"]] = float("nan")
        history.loc[lost, "status"] = "not_measurable"
        history.loc[lost, "note"] = "no workforce table"
    results = history[history.period == MONTHS[-1]].reset_index(drop=True)
    calib = _calibration(rng) if calibration else _calibration(rng).iloc[0:0]
    return Evaluation(
        contract=contract, periods=(MONTHS[-1],), results=results, history=history,
        overall=_overall(contract, history), credits=_credits(contract, history), calibration=calib,
        sections=_sections(rng) if sections else {},
        quality=pd.DataFrame(columns=["table", "row", "column", "problem", "action"]), inputs={})


def with_kpis(contract: Contract, count: int) -> Contract:
    """The contract keeping its first `count` KPIs (credits, weights and sections left consistent)."""
    kept = dict(list(contract.kpis.items())[:count])
    credits = replace(contract.service_credits,
                      allocations={k: v for k, v in contract.service_credits.allocations.items() if k in kept})
    scoring = replace(contract.scoring, weights={k: v for k, v in contract.scoring.weights.items() if k in kept})
    return replace(contract, kpis=kept, service_credits=credits, scoring=scoring)
