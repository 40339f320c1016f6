"""The rules computed for every entity and month at once (rules.Facts) against the reference
reading, month by month per entity (tests/integrity_reference.py), on varied facts: gaps in an
entity's months, missing facts, absent columns, any baseline length and thresholds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity_reference import signals as reference
from scorecard.integrity.rules import Thresholds, signals

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
# each fact drawn from a few levels, so moves beyond the bars are common
LEVELS = {"handled": [10.0, 60.0, 200.0, 500.0], "aht": [200.0, 240.0, 300.0, 301.0, 360.0],
          "frt": [20.0, 30.0, 31.0, 60.0], "fcr": [0.6, 0.7, 0.71, 0.75], "resolved": [0.8, 0.9],
          "csat": [3.9, 4.0, 4.05, 4.3], "qa": [80.0, 85.0, 90.0], "short_share": [0.01, 0.02, 0.1],
          "easy_share": [0.2, 0.3, 0.45], "transfer_rate": [0.05, 0.06, 0.2], "survey_coverage": [0.1, 0.3, 0.31],
          "qa_gap": [0.0, 1.0, 5.0], "pairs": [0.0, 4.0, 10.0], "backlog": [5.0, 30.0, 100.0],
          "backlog_age": [3600.0, 3700.0, 9000.0]}


@st.composite
def facts_and_thresholds(draw):
    columns = draw(st.lists(st.sampled_from(sorted(LEVELS)), unique=True, min_size=1))
    rows = []
    for e in range(draw(st.integers(1, 5))):
        grain = draw(st.sampled_from(["vendor", "team_id", "agent_id"]))
        # the reference fails when no row has an entity (never: the vendor rows have one); tested below
        entity = draw(st.sampled_from([f"x{e}", "shared"]) if e == 0 else st.one_of(
            st.none(), st.sampled_from([f"x{e}", "shared"])))
        months = draw(st.lists(st.sampled_from(MONTHS), unique=True, min_size=1, max_size=len(MONTHS)))
        for month in months:
            rows.append({"month": month, "grain": grain, "entity": entity, **{
                c: draw(st.one_of(st.sampled_from(LEVELS[c]), st.just(np.nan) if c != "handled" else st.nothing()))
                for c in columns}})
    facts = pd.DataFrame(rows, columns=["month", "grain", "entity", *columns]).astype(
        {"month": "string", "grain": "string", "entity": "string"})
    t = replace(Thresholds(), baseline_months=draw(st.integers(0, 13)),
                sensitivity=draw(st.sampled_from([0.0, 1.0, 2.0])), min_contacts=draw(st.sampled_from([0, 50, 100])),
                min_pairs=draw(st.sampled_from([0, 5])), min_backlog=draw(st.sampled_from([0, 20])))
    return facts, t


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new.drop(columns="moves"), old.drop(columns="moves"), check_exact=True)
    assert new["moves"].tolist() == old["moves"].tolist()
    assert [type(fact) for moves in new["moves"] for fact, _, _ in moves] == [str] * sum(map(len, new["moves"]))


@settings(max_examples=300, deadline=None)
@given(facts_and_thresholds())
def test_all_at_once_equals_month_by_month(case):
    facts, t = case
    _same(signals(facts, t), reference(facts, t))


def test_the_generated_cases_do_find_signals():
    """The strategy's levels are wide enough that the comparison above compares signals, not empty frames."""
    rng = np.random.default_rng(0)
    rows = [{"month": m, "grain": "agent_id", "entity": f"a{e}", **{c: rng.choice(v) for c, v in LEVELS.items()}}
            for e in range(30) for m in MONTHS]
    facts = pd.DataFrame(rows).astype({"month": "string", "grain": "string", "entity": "string"})
    t = replace(Thresholds(), sensitivity=1.0, min_contacts=0)
    new = signals(facts, t)
    assert set(new["signal"]) == {"speed_vs_quality", "short_contacts", "cherry_picking", "transfer_spike",
                                  "survey_coverage_drop", "qa_leniency"}
    assert {moves[1][0] for moves in new.loc[new["signal"] == "cherry_picking", "moves"]} == {"easy_share", "frt"}
    _same(new, reference(facts, t))


@pytest.mark.parametrize("months", [1, 2])
def test_entities_shorter_than_their_baseline_are_never_judged(months):
    facts = pd.DataFrame({"month": MONTHS[:months], "grain": "vendor", "entity": "v", "aht": [300.0, 100.0][:months],
                          "fcr": [0.9, 0.1][:months]}).astype({"month": "string", "entity": "string"})
    assert signals(facts, Thresholds()).empty and signals(facts, replace(Thresholds(), baseline_months=1)).empty is (
        months == 1)


def test_facts_without_any_entity_find_nothing():
    facts = pd.DataFrame({"month": MONTHS[:5], "grain": "agent_id", "entity": None, "aht": 300.0}).astype(
        {"month": "string", "grain": "string", "entity": "string"})
    assert signals(facts, Thresholds()).empty


def test_an_easier_mix_and_an_aging_backlog_are_one_cherry_picking_said_by_the_mix():
    facts = pd.DataFrame({"month": MONTHS[:4], "grain": "agent_id", "entity": "a1", "handled": 200.0,
                          "aht": [300.0, 300.0, 300.0, 200.0], "frt": [30.0, 30.0, 30.0, 20.0],
                          "easy_share": [0.3, 0.3, 0.3, 0.5], "backlog": 100.0,
                          "backlog_age": [3600.0, 3600.0, 3600.0, 9000.0]}).astype(
        {"month": "string", "grain": "string", "entity": "string"})
    found = signals(facts, Thresholds())
    assert found["signal"].tolist() == ["cherry_picking"]
    assert found["moves"].iloc[0] == (("aht", 200.0, 300.0), ("easy_share", 0.5, pytest.approx(0.3)))
    without_mix = signals(facts.drop(columns="easy_share"), Thresholds())
    assert without_mix["moves"].tolist() == [(("backlog_age", 9000.0, 3600.0), ("frt", 20.0, 30.0))]
