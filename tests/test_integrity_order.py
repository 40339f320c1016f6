"""The rules read each entity's facts as arrays in month order (rules.Facts): the facts' row
order must not matter, and an entity-less row is never judged."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.integrity.rules import Thresholds, signals

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def _facts() -> pd.DataFrame:
    """a1 gets faster (AHT 300 -> 240) while FCR falls (0.75 -> 0.60); a2's transfers jump
    (0.05 -> 0.20); a row with no entity carries a jump that must be ignored."""
    rows = [("a1", m, aht, fcr, 0.05) for m, aht, fcr in zip(MONTHS, (300.0, 302.0, 298.0, 240.0),
                                                             (0.75, 0.75, 0.75, 0.60))]
    rows += [("a2", m, 300.0, 0.75, tr) for m, tr in zip(MONTHS, (0.05, 0.05, 0.05, 0.20))]
    rows += [(None, m, 300.0, 0.75, tr) for m, tr in zip(MONTHS, (0.05, 0.05, 0.05, 0.90))]
    frame = pd.DataFrame(rows, columns=["entity", "month", "aht", "fcr", "transfer_rate"])
    frame.insert(1, "grain", "agent_id")
    frame["handled"] = 200
    return frame.astype({"entity": "string", "month": "string", "grain": "string"})


def _rows(found: pd.DataFrame) -> list[tuple]:
    return sorted(found[["period", "entity", "signal", "value", "baseline"]].itertuples(index=False, name=None))


def test_hand_computed_signals_of_the_last_month():
    # a1: baseline AHT (300 + 302 + 298) / 3 = 300, bar max(2 x std(2, -4) = 6, 10 % x 300 = 30) < 60
    assert _rows(signals(_facts(), Thresholds())) == [
        ("2026-04", "a1", "speed_vs_quality", 240.0, 300.0),
        ("2026-04", "a2", "transfer_spike", 0.2, pytest.approx(0.05)),
    ]


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(12)))
def test_row_order_of_the_facts_does_not_change_the_signals(order):
    facts = _facts()
    assert _rows(signals(facts.iloc[list(order)], Thresholds())) == _rows(signals(facts, Thresholds()))
