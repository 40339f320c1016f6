"""No formula injection: a text cell a spreadsheet would run (leading = + - @ tab CR) is written with
a leading ' in every CSV output; numbers, negative ones included, are untouched."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.cli import main
from scorecard.demo_data import generate
from scorecard.results import (CALIBRATION_COLUMNS, CREDIT_COLUMNS, FORMULA_STARTS, QUALITY_COLUMNS,
                               RESULT_COLUMNS, csv_text, neutralise)

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"
CRAFTED = {"AG0001": '=HYPERLINK("http://evil","click")', "AG0002": "+cmd|' /C calc'!A0",
           "AG0003": "@SUM(1+1)", "AG0004": "-3", "QA-V2": "\t=1+1", "QA-V3": "\r=2+2"}
CSVS = ("results.csv", "credits.csv", "calibration.csv", "data_quality.csv")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def crafted_out(tmp_path_factory) -> Path:
    """`scorecard evaluate` on demo data whose agent and evaluator ids are attacks."""
    base = tmp_path_factory.mktemp("crafted")
    generate(base / "data", agents=8, contacts_per_month=600, months=("2026-02", "2026-03"))
    for name in ("interactions.csv", "qa_evaluations.csv"):
        frame = pd.read_csv(base / "data" / name, dtype=str, keep_default_na=False)
        for col in ("agent_id", "evaluator_id"):
            if col in frame:
                frame[col] = frame[col].replace(CRAFTED)
        frame.to_csv(base / "data" / name, index=False)
    assert main(["evaluate", str(CONTRACT), "--data", str(base / "data"), "--period", "2026-03",
                 "--out", str(base / "out")]) == 0
    return base / "out"


@pytest.mark.parametrize("name", CSVS)
def test_no_cell_of_any_csv_output_starts_a_formula(crafted_out, name):
    for row in rows(crafted_out / name):
        for col, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS) or is_number(cell), (name, col, cell)


def test_crafted_agent_ids_are_prefixed_in_results_csv(crafted_out):
    agents = {r["entity"] for r in rows(crafted_out / "results.csv") if r["grain"] == "agent_id"}
    assert {"'" + CRAFTED[a] for a in ("AG0001", "AG0002", "AG0003")} <= agents
    assert "'-3" in agents  # an id is text, so "-3" is prefixed like any other text
    assert not {CRAFTED[a] for a in ("AG0001", "AG0002", "AG0003", "AG0004")} & agents


def test_crafted_evaluator_ids_are_prefixed_in_calibration_csv(crafted_out):
    evaluators = {r["evaluator_id"] for r in rows(crafted_out / "calibration.csv")}
    assert "'=1+1" in evaluators  # the data reader trims an id's leading tab; the rest is prefixed


def test_negative_numbers_stay_numbers(crafted_out):
    frame = pd.DataFrame({"period": ["2026-03"], "kpi": ["x"], "value": [-3.5], "n": [-2]})
    assert csv_text(frame, ["period", "kpi", "value", "n"]).splitlines()[1] == "2026-03,x,-3.5,-2"
    numbers = [r[c] for r in rows(crafted_out / "results.csv") for c in ("value", "n")]
    assert all(c == "" or is_number(c) for c in numbers)


@pytest.mark.parametrize("columns", [RESULT_COLUMNS, CREDIT_COLUMNS, CALIBRATION_COLUMNS, QUALITY_COLUMNS])
def test_every_text_column_of_every_file_is_neutralised(columns):
    """Whatever column a crafted text reaches (a problem text, a KPI id, a period), it is prefixed."""
    attacks = list(CRAFTED.values())
    frame = pd.DataFrame({c: pd.Series(attacks, dtype="string") for c in columns})
    parsed = list(csv.reader(io.StringIO(csv_text(frame, columns), newline="")))
    assert parsed[0] == columns
    expected = ["'" + attack.replace("\r", "\n") for attack in attacks]  # a CR in a cell would split the row
    assert [row for row in parsed[1:]] == [[cell] * len(columns) for cell in expected]


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_a_formula_and_keeps_the_text(text):
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or (cell == "'" + text and text.startswith(FORMULA_STARTS))


@given(st.floats(allow_nan=False) | st.integers())
def test_numbers_are_never_changed(number):
    assert neutralise(number) == number
