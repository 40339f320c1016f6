"""A small but realistic Evaluation for the HTML scorecard tests and benchmark, built without data files.

Raw KPI values are drawn (seeded) around each KPI's target; status, points, previous and change
come from the real scoring (scorecard.scoring), overall and credits from the real scorers, so the
frames have exactly the columns docs/ARCHITECTURE.md documents. The contract is the spec's sketch.
`hostile=True` adds entity ids that try to escape the output folder or inject markup.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pandas as pd

from scorecard.catalog import metric
from scorecard.contract.loader import load_contract
from scorecard.contract.model import Contract
from scorecard.credits import compute_credits
from scorecard.evaluate import Evaluation
from scorecard.periods import months_between
from scorecard.scoring import add_changes, overall_scores, score_results

REPO = Path(__file__).resolve().parents[1]
SKETCH = Path(__file__).resolve().parents[1] / "docs" / "spec" / "contract-sketch.yaml"
CONTRACT = SKETCH if SKETCH.is_file() else REPO / "contracts" / "acme-travel-nordlys.yaml"
MONTHS = tuple(months_between("2025-10", "2026-03"))
HOSTILE_AGENTS = ("../../x", "<script>alert(1)</script>")
HOSTILE_TEAM = '<img src=x onerror="alert(1)">'
REASONS = ("booking change", "refund", "baggage", "payment", "complaint")
QA_ITEMS = {"compliance": ("gdpr_verification", "payment_security"),
            "process": ("booking_system_update", "follow_up"), "soft skills": ("empathy", "clarity")}


def sketch_contract() -> Contract:
    return load_contract(CONTRACT)


def _draw(rng: random.Random, contract: Contract, kpi: str) -> float:
    """A plausible value of a KPI in base units: around its target, sometimes missing it."""
    spec = contract.kpis[kpi]
    unit = metric(spec.metric).unit_for(spec.params)
    level = spec.target.value if spec.target else {"rate": 0.6, "duration": 300.0}.get(unit, 10.0)
    if unit == "rate":
        return min(1.0, max(0.0, level + rng.gauss(0, 0.05)))
    if unit == "points":
        return min(100.0, max(0.0, level + rng.gauss(1, 4)))
    return max(0.0, level * rng.uniform(0.6, 1.3))


def _entities(n_agents: int, agents_per_team: int, hostile: bool) -> tuple[list[str], dict[str, str]]:
    agents = [f"AG{i:04d}" for i in range(1, n_agents + 1)]
    teams = {a: f"T{(i // agents_per_team) + 1:02d}" for i, a in enumerate(agents)}
    if hostile:
        agents += list(HOSTILE_AGENTS)
        teams.update({a: HOSTILE_TEAM for a in HOSTILE_AGENTS})
    return agents, teams


def _raw(contract: Contract, rng: random.Random, entities: dict[str, list[str]]) -> pd.DataFrame:
    """Raw results (stage 3 columns) for every month, grain and entity of the roles."""
    rows = []
    for grain, names in entities.items():
        kpis = list(contract.kpis) if grain == "vendor" else [
            k for role in contract.roles.values() if role.grain == grain for k in role.kpis]
        for kpi in dict.fromkeys(kpis):
            spec = contract.kpis[kpi]
            for name in names:
                base = {"agent_id": 150, "evaluator_id": 40, "team_id": 1500}.get(grain, 9000)
                for month in MONTHS:
                    n = max(1, int(base * rng.uniform(0.2, 1.2)))
                    if spec.metric in ("quality_score", "csat") and grain == "agent_id":
                        n = rng.randint(2, 60)  # few QA evaluations and survey answers per agent
                    rows.append({"period": month, "kpi": kpi, "metric": spec.metric, "grain": grain,
                                 "entity": name, "value": _draw(rng, contract, kpi), "n": n,
                                 "provisional": month == MONTHS[-1] and spec.metric == "first_contact_resolution",
                                 "note": ""})
    dsat = next(k for k, s in contract.kpis.items() if s.metric == "dsat")
    for reason in REASONS:
        for month in MONTHS:
            rows.append({"period": month, "kpi": dsat, "metric": "dsat", "grain": "reason", "entity": reason,
                         "value": rng.uniform(0.02, 0.12), "n": rng.randint(20, 400), "provisional": False,
                         "note": ""})
    return pd.DataFrame(rows)


def _calibration(rng: random.Random, evaluators: list[str]) -> pd.DataFrame:
    rows = []
    for month in MONTHS:
        for ev in evaluators:
            bias = rng.uniform(-7, 7)
            rows.append({"period": month, "evaluator_id": ev, "sessions": 4, "scores": 4,
                         "within_tolerance": rng.choice([0.5, 0.75, 1.0]), "mean_abs_deviation": abs(bias) + 0.5,
                         "bias": bias, "spread": rng.uniform(0, 3),
                         "tendency": "lenient" if bias > 2 else "harsh" if bias < -2 else "aligned",
                         "krippendorff_alpha": float("nan")})
        rows.append({"period": month, "evaluator_id": "ALL", "sessions": 4, "scores": 4 * len(evaluators),
                     "within_tolerance": 0.8, "mean_abs_deviation": 3.1, "bias": 0.4, "spread": 2.2,
                     "tendency": "aligned", "krippendorff_alpha": 0.71})
    return pd.DataFrame(rows)


def _qa_errors(rng: random.Random, teams: list[str]) -> pd.DataFrame:
    rows = []
    for month in MONTHS:
        for team in teams:
            for category, items in QA_ITEMS.items():
                for item in items:
                    evaluated = rng.randint(30, 60)
                    failed = rng.randint(0, evaluated // 4)
                    rows.append({"period": month, "grain": "team_id", "entity": team, "category": category, "item": item,
                                 "evaluated": evaluated, "failed": failed, "error_rate": failed / evaluated})
    return pd.DataFrame(rows)


def make_evaluation(n_agents: int = 24, agents_per_team: int = 8, *, hostile: bool = False,
                    language: str = "en", seed: int = 7) -> Evaluation:
    """An Evaluation of the last month of MONTHS, with six months of history."""
    rng = random.Random(seed)
    contract = replace(sketch_contract(), language=language)
    agents, team_of = _entities(n_agents, agents_per_team, hostile)
    teams = sorted(set(team_of.values()))
    evaluators = ["QA-ANNA", "QA-BRUNO", "QA-CHLOE", "QA-DAVID"]
    entities = {"vendor": [contract.vendor], "agent_id": agents, "team_id": teams, "evaluator_id": evaluators}
    scored = add_changes(score_results(_raw(contract, rng, entities), contract))
    last = MONTHS[-1]
    return Evaluation(
        contract=contract, periods=(last,),
        results=scored[scored["period"] == last].reset_index(drop=True),
        history=scored.reset_index(drop=True),
        overall=overall_scores(scored, contract),
        credits=compute_credits(scored[scored["grain"] == "vendor"], contract, list(MONTHS)),
        calibration=_calibration(rng, evaluators),
        sections={"agent_teams": pd.DataFrame({"agent_id": list(team_of), "team_id": list(team_of.values())}),
                  "qa_errors_by_category": _qa_errors(rng, teams)},
        quality=pd.DataFrame(columns=["table", "row", "column", "problem", "action"]),
        inputs={},
    )
