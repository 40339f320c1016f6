"""InteractionRows.release_kpi_facts (called by evaluate before the integrity signals): what the
signals read stays and gives the same facts; what only the KPIs and sections read is gone, loudly."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from scorecard.integrity import facts
from scorecard.kpis.derive import InteractionRows
from test_integrity_facts_codes import interactions
from test_scoring import make_contract


@settings(max_examples=40, deadline=None)
@given(interactions())
def test_released_rows_give_the_same_integrity_facts(case):
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    tables = {"interactions": frame}
    rows = InteractionRows(frame, contract)
    handled = rows.handled
    rows.release_kpi_facts()
    assert rows.handled is handled
    pd.testing.assert_frame_equal(facts.monthly_facts(contract, tables, 10.0, rows),
                                  facts.monthly_facts(contract, tables, 10.0), check_exact=True)


def test_dropped_facts_raise_and_the_channel_codes_stay():
    created = pd.Series(pd.date_range("2026-01-05", periods=4, freq="D", tz="UTC"))
    frame = pd.DataFrame({"created_at": created, "channel": pd.array(["Voice", "chat", None, "voice"], dtype="string"),
                          "answered_at": created + pd.Timedelta(seconds=20), "customer_id": ["a", "a", "b", "b"]})
    rows = InteractionRows(frame, make_contract())
    codes, labels = rows.channel_codes
    assert labels[codes].tolist() == ["voice", "chat", "", "voice"]
    rows.repeats(86400.0)
    rows.release_kpi_facts()
    for name in ("answered_at", "abandoned_at", "abandoned", "answered", "self_service"):
        with pytest.raises(AttributeError):
            getattr(rows, name)
    assert not rows._repeats
    assert np.array_equal(rows.channel_in(["voice"]), [True, False, False, True])
    assert rows.first_response_at is not None and rows.n == 4
