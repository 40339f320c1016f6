"""The decisions slide and the share of a KPI's gap each team, site or channel explains."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, strategies as st
from pptx import Presentation

from fixtures_deck import make_evaluation
from scorecard.gap_shares import gap_shares, main_contributors
from scorecard.render.deck import write_deck
from scorecard.render.format import fmt_date, kpi_label
from scorecard.units import parse_target


def _rows(grain: str, values: dict[str, tuple[float, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"grain": grain, "entity": e, "value": v, "n": n} for e, (v, n) in values.items()])


def test_gap_shares_hand_computed():
    # target 80 %: voice 300 x (60-80) = -60, chat 100 x (+10) = +10, email 100 x (-10) = -10; total -60
    shares = gap_shares(_rows("channel", {"voice": (0.6, 300), "chat": (0.9, 100), "email": (0.7, 100)}), 0.8)
    assert [(s.entity, round(s.share, 4)) for s in shares] == [("voice", 1.0), ("email", 0.1667),
                                                               ("chat", -0.1667)]


def test_no_gap_nothing_to_explain():
    assert gap_shares(_rows("team_id", {"a": (0.8, 10), "b": (0.8, 20)}), 0.8) == []


@given(st.lists(st.tuples(st.floats(0, 1), st.integers(1, 10_000)), min_size=2, max_size=8),
       st.floats(0.01, 0.99))
def test_shares_of_a_grain_sum_to_one(entities, target):
    rows = _rows("team_id", {f"t{i}": e for i, e in enumerate(entities)})
    shares = gap_shares(rows, target)
    weighted = sum(n * (v - target) for v, n in entities)
    if abs(weighted) > 1e-6:
        assert sum(s.share for s in shares) == pytest.approx(1.0, abs=1e-9)


def test_main_contributors_skip_single_entity_grains_and_small_parts():
    results = pd.concat([_rows("channel", {"voice": (0.6, 300), "chat": (0.9, 100), "email": (0.7, 100)}),
                         _rows("site", {"Lisbon": (0.5, 10)})]).assign(kpi="sl", period="2026-03")
    found = main_contributors(results, "sl", "2026-03", 0.8)
    assert [(s.grain, s.entity) for s in found] == [("channel", "voice")]


def test_dates_read_as_words():
    assert fmt_date(date(2026, 7, 31), "en") == "31\u00a0Jul\u00a02026"
    assert fmt_date(date(2026, 7, 31), "fr") == "31\u00a0juil.\u00a02026"


@pytest.fixture(scope="module")
def decisions(tmp_path_factory) -> tuple:
    """The fixture's evaluation with one red KPI broken down by channel: voice explains the gap."""
    evaluation = make_evaluation()
    res = evaluation.results
    red = res[(res.grain == "vendor") & (res.status == "red")]
    row = red.iloc[0] if len(red) else res[res.grain == "vendor"].iloc[0]
    vendor = res.index[(res.grain == "vendor") & (res.kpi == row.kpi)]
    res.loc[vendor, "status"] = "red"
    target = parse_target(row.target).value
    off = -0.2 if row.direction == "higher_is_better" else 0.2
    extra = pd.DataFrame([{**row.to_dict(), "grain": "channel", "entity": "voice", "n": 300,
                           "value": target * (1 + off)},
                          {**row.to_dict(), "grain": "channel", "entity": "chat", "n": 100, "value": target}])
    evaluation = replace(evaluation, results=pd.concat([res, extra], ignore_index=True))
    out = tmp_path_factory.mktemp("decisions") / "deck.pptx"
    actions = tmp_path_factory.mktemp("actions") / "actions.yaml"
    actions.write_text("- id: A-1\n  title: Re-train the night shift\n  owner: Vendor training lead\n"
                       "  due: 2026-02-15\n  status: open\n", encoding="utf-8")
    write_deck(evaluation, out, actions=actions)
    return Presentation(str(out)), evaluation, row.kpi


def test_decisions_slide_names_the_red_kpi_its_why_and_the_overdue_action(decisions):
    deck, evaluation, kpi = decisions
    slide = next(s for s in deck.slides if s.shapes.title.text.startswith("Decisions for the forum - "))
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert kpi_label(evaluation.contract, kpi, "en") + ": " in text
    assert "mostly channel voice (100% of the gap)" in text
    assert "A-1 Re-train the night shift - Vendor training lead, due 15\u00a0Feb\u00a02026" in text
    assert "voice (100% of the gap)" in slide.notes_slide.notes_text_frame.text
    summary = next(s for s in deck.slides if s.shapes.title.text.startswith("Executive summary - "))
    said = "\n".join(sh.text_frame.text for sh in summary.shapes if sh.has_text_frame)
    assert "Actions: 1 overdue of 1 open" in said
    assert kpi_label(evaluation.contract, kpi, "en") + ": " in said
