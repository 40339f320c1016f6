"""Contract review: lint a draft's clauses, measure how fair each minimum is on the data, suggest
targets from the history (`scorecard review`), and backtest a draft against the current contract
(`scorecard backtest`). Reads contracts and `evaluate` results only; writes through outputs.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from ..contract.model import Contract
from ..data import Dataset
from ..evaluate import evaluate
from ..periods import Period
from .calendar_rule import missing_holiday
from .findings import ERROR, Finding, Locator, ordered
from .history import Risk, data_findings
from .observations import Observations
from .rules import contract_findings
from .suggest import Suggestion, suggestions


@dataclass(frozen=True)
class Review:
    """What `scorecard review` found; `periods` and `inputs` are the data it read (none without --data)."""

    contract: Contract
    findings: list[Finding]
    periods: tuple[str, ...] = ()
    inputs: dict[str, str] = field(default_factory=dict)
    risks: list[Risk] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def has_error(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def review(contract: Contract, dataset: Dataset | None = None, periods: Sequence[Period] = (), *,
           suggest: bool = False, today: date | None = None) -> Review:
    """Every rule on the contract; with a dataset, the history rules over `periods` as well."""
    at = Locator(contract)
    found = contract_findings(contract, at) + missing_holiday(contract, at, today)
    if dataset is None:
        return Review(contract, ordered(found))
    evaluation = evaluate(contract, dataset, periods, extra_grains=("agent_id",), within_term=False)
    observations = Observations(contract, dataset)
    history, risks = data_findings(contract, evaluation, at, observations)
    return Review(contract, ordered(found + history), evaluation.periods, dict(dataset.hashes), risks,
                  suggestions(contract, evaluation, observations) if suggest else [])
