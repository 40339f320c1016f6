"""The interaction formulas are declared once (kpis/formulas.py) and each engine only supplies its
terms: the builders of both engines are the formulas', and a formula reads the same through the
numpy terms and the SQL terms, hand-computed here where the two-valued logic matters (a missing
answer or wait is never a hit, and its negation is)."""

from __future__ import annotations

import numpy as np
import pytest

from kpi_helpers import contract, interactions, kpi, run, value
from scorecard.kpis import interactions as on_arrays
from scorecard.kpis.formulas import FORMULAS
from scorecard.kpis.sql import measures as on_sql


def test_both_engines_build_every_interaction_metric_from_the_one_formula():
    assert set(on_sql.BUILDERS) == set(FORMULAS) | {"interval_service_level"}
    assert set(on_arrays.BUILDERS) == set(FORMULAS) | {"interval_service_level", "backlog"}
    for name, formula in FORMULAS.items():
        assert on_sql.BUILDERS[name].__name__ == on_arrays.BUILDERS[name].__name__ == formula.__name__


def test_nps_counts_promoters_and_detractors_over_the_answers_only():
    rows = interactions(interaction_id=list("abcde"), channel=["email"] * 5,
                        created_at=["2026-03-02T09:00:00"] * 5, nps=[10.0, 9.0, 8.0, 6.0, np.nan])
    nps = value(run(contract(kpi("nps")), {"interactions": rows}), "nps")
    assert (nps.value, nps.n) == (pytest.approx((100 + 100 + 0 - 100) / 4), 4)


def test_a_mean_of_several_answer_columns_counts_every_answer_given():
    rows = interactions(interaction_id=["a", "b"], channel=["email"] * 2, created_at=["2026-03-02T09:00:00"] * 2,
                        servqual_empathy=[5.0, 3.0], servqual_reliability=[np.nan, 4.0])
    servqual = value(run(contract(kpi("servqual")), {"interactions": rows}), "servqual")
    assert (servqual.value, servqual.n) == (pytest.approx((5 + 3 + 4) / 3), 3)


def test_an_abandon_of_unknown_wait_is_not_short_so_it_stays_offered():
    """Short abandons (under 5 s) leave the offered contacts; an abandon with no abandoned_at nor
    wait_s has no wait to compare, so it is not short: 1 abandoned of 2 offered."""
    rows = interactions(interaction_id=["answered", "short", "unknown"], channel=["voice"] * 3,
                        created_at=["2026-03-02T09:00:00"] * 3,
                        answered_at=["2026-03-02T09:00:10", None, None],
                        abandoned_at=[None, "2026-03-02T09:00:03", None],
                        abandoned=[False, True, True])
    c = contract(kpi("abandonment_rate", "abandon", params={"exclude_within": "5s"}), live_channels=("voice",))
    abandon = value(run(c, {"interactions": rows}), "abandon")
    assert (abandon.value, abandon.n) == (pytest.approx(1 / 2), 2)


def test_a_service_level_of_answered_contacts_leaves_the_abandons_of_unknown_wait_out():
    """abandoned_after_threshold: answered ones, plus abandons that waited past the threshold; an
    abandon whose wait is unknown is neither within nor past it."""
    rows = interactions(interaction_id=["fast", "slow", "late", "unknown"], channel=["voice"] * 4,
                        created_at=["2026-03-02T09:00:00"] * 4,
                        answered_at=["2026-03-02T09:00:10", "2026-03-02T09:01:00", None, None],
                        abandoned_at=[None, None, "2026-03-02T09:02:00", None],
                        abandoned=[False, False, True, True])
    c = contract(kpi("service_level", "sl", params={"threshold": "20s", "formula": "abandoned_after_threshold"}),
                 live_channels=("voice",))
    sl = value(run(c, {"interactions": rows}), "sl")
    assert (sl.value, sl.n) == (pytest.approx(1 / 3), 3)


def test_handled_contacts_follow_the_conventions_on_both_engines():
    """Convention 4 (kpis/conventions.py, read by both engines): a live contact is handled once
    answered, an async one once it has a first response, a self-service one never; a live
    contact's first response is its answer. 2 handled, 1 of them transferred."""
    rows = interactions(interaction_id=["answered", "abandoned", "replied", "unreplied", "bot"],
                        channel=["voice", "voice", "email", "email", "self_service"],
                        created_at=["2026-03-02T09:00:00"] * 5,
                        answered_at=["2026-03-02T09:00:30", None, None, None, None],
                        first_response_at=[None, None, "2026-03-02T10:00:00", None, "2026-03-02T09:00:01"],
                        transferred=[True, False, False, True, True])
    c = contract(kpi("transfer_rate"), kpi("first_response_time", "frt"), live_channels=("voice",))
    results = run(c, {"interactions": rows})
    transfers, frt = value(results, "transfer_rate"), value(results, "frt")
    assert (transfers.value, transfers.n) == (pytest.approx(1 / 2), 2)
    # first responses: the voice answer (30 s), the email reply (3,600 s), the bot's (1 s)
    assert (frt.value, frt.n) == (pytest.approx((30 + 3600 + 1) / 3), 3)


def test_a_mean_of_several_columns_adds_them_in_the_same_order_on_both_engines():
    """0.3 + 0.2 + 0.1 is 0.6 added in that order and 0.6000000000000001 the other way: both
    engines add a row's answers in the data's column order, so their means agree to the bit (the
    SQL engine once sorted the columns by name: 0.20000000000000004 against pandas' 0.19999999999999998)."""
    from scorecard.kpis.engine import compute_kpis
    from scorecard.kpis.sqlengine import SqlEngine
    from scorecard.periods import parse_period

    rows = interactions(interaction_id=["a", "b"], channel=["voice"] * 2, created_at=["2026-03-03T09:00:00"] * 2,
                        servqual_tangibles=[0.3, 0.3], servqual_empathy=[0.2, 0.2], servqual_assurance=[0.1, 0.1])
    c, periods = contract(kpi("servqual")), [parse_period("2026-03")]
    numpy_value = value(compute_kpis(c, {"interactions": rows}, periods, ("vendor",)), "servqual").value
    sql_value = value(SqlEngine(c, {"interactions": rows}, periods, ("vendor",)).run(), "servqual").value
    assert numpy_value == sql_value == (0.3 + 0.2 + 0.1) * 2 / 6
