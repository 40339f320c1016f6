"""End-to-end through the CLI: result files as OUTPUTS.md names them, and bad input -> exit 2."""

import csv
import json
import shutil
from pathlib import Path

import pytest

from scorecard.cli import main
from scorecard.demo_data import generate

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "data"
    generate(out, agents=12, contacts_per_month=1500, months=("2026-02", "2026-03"))
    return out


def header(path: Path) -> list[str]:
    with path.open(newline="") as fh:
        return next(csv.reader(fh))


def test_evaluate_writes_the_result_files_with_the_spec_columns(demo_data, tmp_path, capsys):
    assert main(["evaluate", str(CONTRACT), "--data", str(demo_data), "--period", "2026-03",
                 "--out", str(tmp_path)]) == 0
    assert header(tmp_path / "results.csv") == ["period", "kpi", "metric", "grain", "entity", "value", "n",
                                                "target", "minimum", "status", "provisional"]
    assert header(tmp_path / "credits.csv") == ["period", "kpi", "value", "minimum", "missed", "allocation",
                                                "credit", "earned_back", "chronic_failure", "paid",
                                                "channel", "escalation", "would_have_been"]  # spec's, then ours
    assert header(tmp_path / "calibration.csv")[:8] == ["period", "evaluator_id", "sessions", "scores",
                                                        "within_tolerance", "mean_abs_deviation", "bias",
                                                        "krippendorff_alpha"]
    assert header(tmp_path / "data_quality.csv") == ["table", "row", "column", "problem", "action"]
    rows = list(csv.DictReader((tmp_path / "results.csv").open()))
    assert {r["period"] for r in rows} == {"2026-03"}
    grains = {r["grain"] for r in rows}
    assert {"vendor", "agent_id", "team_id", "evaluator_id", "channel"} <= grains  # channel: aht split
    assert {r["status"] for r in rows} <= {"green", "amber", "red", "insufficient_sample", "not_measurable"}
    aht_voice = [r for r in rows if r["kpi"] == "aht" and r["grain"] == "channel" and r["entity"] == "voice"]
    assert aht_voice and aht_voice[0]["target"] == "<= 7m"
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["contract"]["id"] == "acme-travel-nordlys-2026" and len(doc["contract"]["version_hash"]) == 64
    assert {Path(i["file"]).name for i in doc["inputs"]} >= {"interactions.csv", "qa_evaluations.csv"}
    credits = list(csv.DictReader((tmp_path / "credits.csv").open()))
    assert credits[-1]["kpi"] == "TOTAL"


def test_a_folder_with_only_qa_data_computes_the_qa_kpis(demo_data, tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_data / "qa_evaluations.csv", data)
    (data / "notes.txt").write_text("not a table")
    assert main(["evaluate", str(CONTRACT), "--data", str(data), "--period", "2026-03",
                 "--out", str(tmp_path / "out")]) == 0
    assert "notes.txt" in capsys.readouterr().err
    rows = {(r["kpi"], r["grain"]): r for r in csv.DictReader((tmp_path / "out" / "results.csv").open())}
    assert rows[("qa_score", "vendor")]["status"] != "not_measurable" and rows[("qa_score", "vendor")]["value"]
    assert rows[("csat", "vendor")]["status"] == "not_measurable" and rows[("csat", "vendor")]["value"] == ""


@pytest.mark.parametrize("args, words", [
    (["evaluate", "missing.yaml", "--data", "."], "missing.yaml"),
    (["evaluate", str(CONTRACT), "--data", "/nonexistent/folder"], "/nonexistent/folder"),
    (["evaluate", str(CONTRACT), "--data", "DATA", "--period", "2026-13"], "2026-13"),
    (["evaluate", str(CONTRACT), "--data", "DATA", "--from", "2026-03"], "--to"),
    (["evaluate", str(CONTRACT), "--data", "DATA", "--grain", "planet"], "planet"),
])
def test_bad_input_exits_2_with_a_located_message_and_no_traceback(args, words, demo_data, capsys):
    args = [str(demo_data) if a == "DATA" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_missing_required_column_names_file_and_column(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "interactions.csv").write_text("interaction_id,channel\n1,voice\n")
    assert main(["evaluate", str(CONTRACT), "--data", str(data), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "interactions.csv" in err and "created_at" in err


def test_a_period_outside_the_data_is_noted(demo_data, tmp_path, capsys):
    assert main(["evaluate", str(CONTRACT), "--data", str(demo_data), "--period", "2026-06",
                 "--out", str(tmp_path)]) == 0
    assert "2026-06 left out: after the last month of the data (2026-03)" in capsys.readouterr().err


def test_run_on_a_header_only_file_produces_every_output(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "interactions.csv").write_text("interaction_id,channel,created_at\n")
    out = tmp_path / "out"
    assert main(["run", str(CONTRACT), "--data", str(data), "--period", "2026-03", "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert rows and all(r["value"] == "" for r in rows)
    assert {r["status"] for r in rows} <= {"insufficient_sample", "not_measurable"}
    assert (out / "deck.pptx").exists() and (out / "scorecards" / "index.html").exists()
