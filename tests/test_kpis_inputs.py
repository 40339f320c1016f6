"""Inputs the engine cannot stand behind: constant by construction, and cleared cells (kpis/inputs.py)."""

import math

import pandas as pd
import pytest

from kpi_helpers import contract, interactions, kpi, run, value
from scorecard.data.dataset import ConstantInput
from scorecard.kpis.inputs import InputFacts


def _tickets() -> pd.DataFrame:
    """Three e-mails whose first response is also their creation (the ticket export's case)."""
    return interactions(
        interaction_id=["t1", "t2", "t3"], channel=["email"] * 3,
        created_at=["2026-03-02T09:00:00", "2026-03-03T10:00:00", "2026-03-04T11:00:00"],
        first_response_at=["2026-03-02T09:00:00", "2026-03-03T10:00:00", "2026-03-04T11:00:00"],
        resolved_at=["2026-03-02T13:00:00", "2026-03-03T12:00:00", "2026-03-05T11:00:00"],
        abandoned=[False, False, False], handle_time_s=[300.0, 600.0, 900.0])


def _run(c, tables, facts):
    return run(c, tables, "2026-03", ["vendor"], facts)


PAIR = ConstantInput("interactions", frozenset({"created_at", "first_response_at"}),
                     "created_at and first_response_at are both read from 'First Response Time' (m.yaml, lines 4-5)")
FLAG = ConstantInput("interactions", frozenset({"abandoned"}),
                     "abandoned is set to the constant false by the mapping (m.yaml, line 7), not measured")


def test_a_difference_of_two_columns_read_from_one_export_column_is_not_measurable():
    c = contract(kpi("first_response_time", "frt"), kpi("same_day_response", "sdr"),
                 kpi("total_resolution_time", "trt"), kpi("turnaround_time", "tat"))
    r = _run(c, {"interactions": _tickets()}, InputFacts(constants=(PAIR,)))
    for k in ("frt", "sdr"):
        row = value(r, k)
        assert math.isnan(row.value) and row.n == 0 and row.note == PAIR.reason
    trt = value(r, "trt")  # resolved_at - created_at is measured: (4 h + 2 h + 24 h) / 3 = 10 h
    assert trt.value == pytest.approx(10 * 3600) and trt.note == ""


def test_a_flag_set_to_a_constant_makes_the_rates_it_counts_not_measurable():
    c = contract(kpi("abandonment_rate", "aba"), kpi("answer_rate", "ans"), kpi("average_handle_time", "aht"))
    r = _run(c, {"interactions": _tickets()}, InputFacts(constants=(FLAG,)))
    assert value(r, "aba").note == FLAG.reason and value(r, "ans").note == FLAG.reason
    assert value(r, "aht").value == pytest.approx(600.0)  # (300 + 600 + 900) / 3: AHT does not read the flag


def test_a_constant_in_another_table_changes_nothing():
    other = ConstantInput("qa_evaluations", frozenset({"abandoned"}), "not this table")
    r = _run(contract(kpi("abandonment_rate", "aba")), {"interactions": _tickets()}, InputFacts(constants=(other,)))
    assert value(r, "aba").note == ""


def test_a_cleared_cell_leaves_its_row_out_of_the_kpis_measuring_it_only():
    df = _tickets()
    df.loc[1, "resolved_at"] = pd.NaT  # its value was bad: unknown, not "still open"
    cleared = pd.DataFrame({"resolved_at": [False, True, False]})
    c = contract(kpi("backlog", "backlog"), kpi("total_resolution_time", "trt"), kpi("volume", "vol"),
                 kpi("average_handle_time", "aht"))
    with_facts = _run(c, {"interactions": df}, InputFacts(cleared={"interactions": cleared}))
    without = _run(c, {"interactions": df}, InputFacts())
    assert value(without, "backlog").value == 1  # the naive reading: t2 looks open at the end of March
    assert value(with_facts, "backlog").value == 0
    assert value(with_facts, "trt").value == pytest.approx((4 + 24) / 2 * 3600)
    assert value(with_facts, "vol").value == 3  # still a contact
    assert value(with_facts, "aht").value == pytest.approx(600.0) and value(with_facts, "aht").n == 3


def test_a_cleared_wait_makes_the_moments_derived_from_it_unknown():
    """ACD export: answered_at = created_at + wait_s. A wait cleared as unreadable leaves answered_at
    empty; the call must leave the answer rate, not count as unanswered."""
    calls = interactions(interaction_id=["c1", "c2", "c3"], channel=["voice"] * 3,
                         created_at=["2026-03-02T09:00:00"] * 3, abandoned=[False, False, True],
                         wait_s=[20.0, float("nan"), 30.0])
    cleared = pd.DataFrame({"wait_s": [False, True, False]})
    facts = InputFacts.of({"interactions": calls}, {"interactions": cleared}, ())
    assert facts.cleared["interactions"]["answered_at"].tolist() == [False, True, False]
    r = _run(contract(kpi("answer_rate", "ans"), kpi("volume", "vol")), {"interactions": calls}, facts)
    assert value(r, "ans").value == pytest.approx(1 / 2) and value(r, "ans").n == 2  # c1 answered, c3 abandoned
    assert value(r, "vol").value == 3
