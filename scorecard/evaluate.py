"""Orchestration: contract + data -> KPIs -> scores -> credits, incentives, calibration.

No output I/O here: the result is an `Evaluation` that results.py writes and render/ draws, so every
generator reads the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .contract.model import Contract


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
