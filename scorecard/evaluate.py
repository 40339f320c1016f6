"""Orchestration: contract + data -> KPIs -> scores -> credits, incentives, calibration.

No output I/O here: the result is an `Evaluation` that results.py writes and render/ draws, so every
generator reads the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from .contract.model import GRAINS, Contract
from .data import Dataset
from .data.plausibility import Caution, cautions
from .errors import Problem, ScorecardError
from .integrity.compute import integrity_signals
from .kpis.sqlengine import make_engine
from .kpis.inputs import InputFacts
from .periods import MONTH, Period, local_months, months_between, parse_period, shift_month
from .scoring import add_changes, overall_scores, previous_period, score_results
from .breakdowns import build_sections, calibration_results, engine_sections, table_sections
from .term import LeftOut, left_out_months, left_out_periods, unscore
from .versions import VersionUse, mark_quarterly, outputs_contract, raw_by_version, version_credits, version_uses

HISTORY_MONTHS = 36

# The timestamp that dates each table's rows (KPIS.md: which period a row belongs to).
DATED = {"interactions": "created_at", "qa_evaluations": "evaluated_at", "workforce": "interval_start"}


@dataclass(frozen=True)
class Evaluation:
    """Everything computed for the asked periods. Column meanings: docs/ARCHITECTURE.md."""

    contract: Contract
    periods: tuple[str, ...]
    results: pd.DataFrame
    history: pd.DataFrame
    overall: pd.DataFrame
    credits: pd.DataFrame
    calibration: pd.DataFrame
    sections: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    inputs: dict[str, str]
    # months of the asked periods that are not charged (outside the term or the data), and why
    left_out: dict[str, LeftOut] = field(default_factory=dict)
    # tables of which the data checks took more than 10 % of the rows: the deck and cards say so
    cautions: tuple[Caution, ...] = ()
    # integrity signals of the asked months (integrity/): integrity.csv rows
    integrity: pd.DataFrame = field(default_factory=pd.DataFrame)
    # scored rows of the period before each asked quarter or year (a QBR compares with it); empty for months
    before: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the contract versions (amendments, transition) in force over the computed periods (versions.py)
    versions: tuple[VersionUse, ...] = ()


def resolve_periods(dataset: Dataset, contract: Contract, *, period: str | None = None,
                    start: str | None = None, end: str | None = None) -> list[Period]:
    """The periods asked on the command line: one period, a month range, or the data's last month."""
    if period and (start or end):
        raise ScorecardError(Problem("give either --period or --from/--to, not both", field="--period"))
    if period:
        return [parse_period(period)]
    if start or end:
        if not (start and end):
            raise ScorecardError(Problem("--from and --to go together", field="--from",
                                         hint="e.g. --from 2026-01 --to 2026-06"))
        first, last = parse_period(start), parse_period(end)
        if first.kind != MONTH or last.kind != MONTH:
            raise ScorecardError(Problem("--from and --to take months (YYYY-MM)", field="--from"))
        months = months_between(first.label, last.label)
        if not months:
            raise ScorecardError(Problem(f"--from {start} is after --to {end}", field="--from"))
        return [parse_period(m) for m in months]
    latest = data_months(dataset, contract)[1]
    if latest is None:
        raise ScorecardError(Problem("the data holds no dated row, so there is no period to evaluate",
                                     field="--period", hint="check the data folder, or give --period"))
    return [parse_period(latest)]


def data_months(dataset: Dataset, contract: Contract) -> tuple[str | None, str | None]:
    """First and last month (contract time zone) holding a dated row in any table."""
    firsts, lasts = [], []
    for table, col in DATED.items():
        frame = dataset.tables.get(table)
        if frame is not None and col in frame and frame[col].notna().any():
            ends = local_months(pd.Series([frame[col].min(), frame[col].max()]), contract.timezone)
            firsts.append(ends.iloc[0])
            lasts.append(ends.iloc[1])
    return (min(firsts), max(lasts)) if firsts else (None, None)


def _grouped(scored: pd.DataFrame) -> pd.DataFrame:
    """Each KPI's rows at each grain together, periods in order: a quarterly KPI's judged month and an
    amended contract's later months are computed apart, and would otherwise come after the others."""
    keys = [pd.factorize(scored[column])[0] for column in ("period", "grain", "kpi")]  # first seen first
    order = np.lexsort(keys)  # stable: entities keep the engine's order
    return scored.take(order).reset_index(drop=True)


def evaluate(contract: Contract, dataset: Dataset, periods: Sequence[Period],
             extra_grains: Sequence[str] = (), *, within_term: bool = True, engine: str = "pandas",
             spark_master: str | None = None) -> Evaluation:
    """Compute, score and price the asked periods, with the monthly history behind trends and credits.

    Months outside the contract term or the data's span are not charged (term.py): a period wholly
    outside is unscored, and no such month earns a credit or a bonus. `within_term=False` ignores
    the contract's dates (a backtest prices a draft over any months); the data's span still applies.
    An amended contract is computed, scored and priced month by month with the version in force
    (versions.py); the outputs read the version in force in the last asked month.
    """
    for grain in extra_grains:
        if grain not in GRAINS:
            raise ScorecardError(Problem(f"unknown grain {grain!r}", field="--grain",
                                         hint="use one of: " + ", ".join(GRAINS)))
    asked = list(dict.fromkeys(periods))
    last_month = max(p.last_month for p in asked)
    span = data_months(dataset, contract)
    first_data = span[0]
    first_asked = min(p.first_month for p in asked)
    # History feeds trends, earn-back and chronic failure: from the data's first month, but never
    # more than HISTORY_MONTHS before the first asked month.
    first_month = min(first_asked, max(first_data or first_asked, shift_month(first_asked, -HISTORY_MONTHS)))
    history_months = [parse_period(m) for m in months_between(first_month, last_month)]
    # a quarter's or a year's review compares with the one before (issue 13: the QBR summary)
    before = [parse_period(previous_period(p.label)) for p in asked if p.kind != MONTH]
    computed = list(dict.fromkeys(history_months + asked + before))
    grains = list(dict.fromkeys([*contract.grains(), *extra_grains]))

    facts = InputFacts.of(dataset.tables, dataset.cleared, dataset.constants)
    kpi_engine = make_engine(engine, contract, dataset.tables, computed, grains, facts, spark_master=spark_master)
    uses = version_uses(contract, computed)
    raws = raw_by_version(kpi_engine, uses, lambda quarters: make_engine(
        engine, contract, dataset.tables, quarters, grains, facts, spark_master=spark_master))
    current = outputs_contract(contract, uses, last_month)
    read_through_engine = engine_sections(current, dataset, kpi_engine)
    # The engine's indexes and caches (about 35 bytes a row) are not needed past the sections that read
    # it: freed before the other sections (the QA errors' peak), the scoring's frames (~190 MB at 5 M
    # rows) and the integrity signals. Only its derived interaction rows are kept for them, if it built
    # them (an SQL engine may not: vars() holds a cached_property once built).
    rows = vars(kpi_engine).get("interactions")
    del kpi_engine
    if rows is not None:
        rows.release_kpi_facts()
    sections = build_sections(read_through_engine, table_sections(current, dataset, computed))
    left = left_out_months(months_between(first_month, last_month), contract, span, within_term=within_term)
    scored = pd.concat([mark_quarterly(score_results(raw, use.contract), use.contract)
                        for raw, use in zip(raws, uses, strict=True)], ignore_index=True)
    del raws  # the engine's raw rows, scored: their text columns held ~47 MB to the end at 5 M rows
    scored = _grouped(add_changes(unscore(scored, left_out_periods(computed, left))))
    asked_labels = [p.label for p in asked]
    monthly = scored[scored["period"].isin([p.label for p in history_months])]
    results = scored[scored["period"].isin(asked_labels)].reset_index(drop=True)
    overall = pd.concat([overall_scores(scored[scored["period"].isin([p.label for p in use.periods])],
                                        use.contract, left_out=left, in_force=contract.in_force)
                         for use in uses], ignore_index=True)
    credit_months = list(dict.fromkeys(m for p in asked for m in p.months()))
    credits = version_credits(monthly[monthly["grain"].isin(["vendor", "channel"])], contract, uses, credit_months,
                              left)  # channel rows: per-channel allocations
    return Evaluation(
        contract=current,
        periods=tuple(asked_labels),
        results=results,
        history=monthly.reset_index(drop=True),
        overall=overall[overall["period"].isin(asked_labels + [p.label for p in history_months + before])]
        .reset_index(drop=True),
        before=scored[scored["period"].isin([p.label for p in before])].reset_index(drop=True),
        credits=credits,
        calibration=calibration_results(current, dataset, asked),
        sections=sections,
        quality=dataset.quality,
        inputs=dict(dataset.hashes),
        left_out={m: left[m] for m in credit_months if m in left},
        cautions=tuple(cautions(dataset)),
        integrity=integrity_signals(current, dataset.tables, credit_months, rows),
        versions=tuple(uses) if contract.versions else (),
    )

