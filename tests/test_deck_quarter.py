"""A quarterly review deck, end to end through the CLI on six months of demo data: the summary
and a slide compare the quarter with the one before (value, status then and now, change), the
overall score says its change since then, and the trends cover the whole span."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.data import load_dataset
from scorecard.demo_data import generate
from scorecard.evaluate import evaluate
from scorecard.periods import parse_period
from scorecard.render.deck import write_deck
from scorecard.render.format import fmt_change, fmt_value, status_label

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("six-months") / "data"
    generate(out, agents=12, contacts_per_month=1500, months=MONTHS)
    return out


@pytest.fixture(scope="module")
def deck(data, tmp_path_factory) -> Presentation:
    out = tmp_path_factory.mktemp("qbr") / "qbr.pptx"
    assert main(["deck", str(CONTRACT), "--data", str(data), "--period", "2026-Q2", "--out", str(out)]) == 0
    return Presentation(str(out))


@pytest.fixture(scope="module")
def evaluation(data):
    contract = load_contract(CONTRACT)
    return evaluate(contract, load_dataset(data, contract=contract), [parse_period("2026-Q2")])


def _text(slide) -> str:
    return " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


def test_the_quarter_before_is_evaluated_beside_the_asked_one(evaluation):
    before = evaluation.before
    assert set(before["period"]) == {"2026-Q1"}
    assert set(before[before["grain"] == "vendor"]["kpi"]) == set(evaluation.contract.kpis)
    assert set(evaluation.results["period"]) == {"2026-Q2"}  # results.csv keeps the asked period only
    assert {"2026-Q1", "2026-Q2"} <= set(evaluation.overall["period"])


def test_comparison_slide_has_every_kpi_then_and_now(deck, evaluation):
    slides = [s for s in deck.slides if s.shapes.title.text.startswith("Q2 2026 against Q1 2026")]
    assert slides
    rows = [[c.text.replace("\n", " ") for c in r.cells] for s in slides
            for sh in s.shapes if sh.has_table for r in list(sh.table.rows)[1:]]
    header = next(sh.table for sh in slides[0].shapes if sh.has_table).rows[0]
    assert [c.text for c in header.cells] == ["KPI", "Q1 2026", "Status", "Q2 2026", "Status", "Change"]
    now = evaluation.results[evaluation.results["grain"] == "vendor"].set_index("kpi")
    then = evaluation.before[evaluation.before["grain"] == "vendor"].set_index("kpi")
    assert len(rows) == len(now)
    from scorecard.render.format import kpi_label
    by_label = {r[0]: r for r in rows}
    for kpi in now.index:
        row = by_label[kpi_label(evaluation.contract, kpi, "en")]
        assert row[1] == fmt_value(then.at[kpi, "value"], then.at[kpi, "unit"], "en", currency="EUR")
        assert row[2] == status_label(then.at[kpi, "status"], "en")
        assert row[3] == fmt_value(now.at[kpi, "value"], now.at[kpi, "unit"], "en", currency="EUR")
        assert row[4] == status_label(now.at[kpi, "status"], "en")


def test_summary_says_the_change_since_the_quarter_before(deck, evaluation):
    summary = next(s for s in deck.slides if s.shapes.title.text.startswith("Executive summary - Q2 2026"))
    text = _text(summary)
    overall = evaluation.overall.set_index("period")["score"]
    change = overall["2026-Q2"] - overall["2026-Q1"]
    assert f"({fmt_change(change, 'points', 'en')} vs Q1 2026)" in text
    then = evaluation.before[evaluation.before["grain"] == "vendor"]["status"].value_counts()
    assert f"on target ({then.get('green', 0)} then)" in text
    assert f"missed ({then.get('red', 0)})" in text


def test_trends_cover_the_quarter(deck):
    summary = next(s for s in deck.slides if s.shapes.title.text.startswith("Executive summary"))
    chart = next(sh.chart for sh in summary.shapes if sh.has_chart)
    assert list(chart.plots[0].categories)[-3:] == ["Apr 2026", "May 2026", "Jun 2026"]


def test_a_quarter_with_no_data_before_says_so(data, evaluation, tmp_path):
    contract = load_contract(CONTRACT)
    first = evaluate(contract, load_dataset(data, contract=contract), [parse_period("2026-Q1")])
    prs = Presentation(str(write_deck(first, tmp_path / "q1.pptx")))
    assert not [s for s in prs.slides if " against " in s.shapes.title.text]
    summary = next(s for s in prs.slides if s.shapes.title.text.startswith("Executive summary - Q1 2026"))
    assert "No comparison with Q4 2025: the data holds no contact of it" in _text(summary)
