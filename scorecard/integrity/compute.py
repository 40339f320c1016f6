"""integrity.csv for an evaluation: the signals of the asked months, with the contract's thresholds."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Sequence

import pandas as pd

from ..contract.model import Contract
from ..kpis.derive import InteractionRows
from .facts import monthly_facts
from .rules import SIGNAL_COLUMNS, Thresholds, signals


def thresholds(contract: Contract) -> Thresholds:
    """The defaults with the contract's `governance.integrity` overrides."""
    known = {f.name for f in fields(Thresholds)}
    given: dict[str, Any] = {k: v for k, v in contract.governance.integrity.items() if k in known}
    return replace(Thresholds(), **given)


def integrity_signals(contract: Contract, tables: dict[str, pd.DataFrame], months: Sequence[str],
                      rows: InteractionRows | None = None) -> pd.DataFrame:
    """Rows of integrity.csv (period, grain, entity, signal, value, baseline, evidence) for `months`,
    judged against the data's earlier months, and `moves` (what moved, as numbers: words.py says
    it in another language). `rows`: the KPI engine's derived interaction rows, if it built them
    (not derived a second time)."""
    t = thresholds(contract)
    found = signals(monthly_facts(contract, tables, t.short_contact, rows), t)
    return found[found["period"].isin(list(months))].reset_index(drop=True).reindex(columns=SIGNAL_COLUMNS + ["moves"])
