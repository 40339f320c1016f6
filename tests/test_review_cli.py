"""`scorecard review` end to end through the CLI, and the history rules on hand-made monthly results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.review.findings import Locator
from scorecard.review.history import target_history
from tests.test_review_rules import BASE

FINDING_KEYS = ["rule", "severity", "file", "line", "kpi", "message", "why", "suggestion"]


def _contract(tmp_path: Path, change=None) -> Path:
    doc = json.loads(json.dumps(BASE, default=str))
    if change:
        change(doc)
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _credit_utilization(doc):
    doc["kpis"]["util"] = {"metric": "utilization", "target": ">= 75%", "minimum": ">= 70%"}
    doc["service_credits"]["allocations"] = {"fcr": "40%", "aht": "30%", "util": "30%"}
    doc["scoring"]["weights"]["util"] = 10
    doc["roles"]["agent"]["kpis"].append("util")


def test_review_on_data_writes_the_three_files_with_the_spec_fields(tmp_path, small_demo, capsys):
    out = tmp_path / "out"
    code = main(["review", "contracts/acme-travel-nordlys.yaml", "--data", str(small_demo), "--out", str(out)])
    assert code == 0
    doc = json.loads((out / "review.json").read_text(encoding="utf-8"))
    assert doc["periods"] == ["2026-02", "2026-03"]
    assert doc["findings"] and all(list(f)[:8] == FINDING_KEYS for f in doc["findings"])
    risky = [f for f in doc["findings"] if f["rule"] == "false_miss_risk"]
    assert risky and all(0.05 < f["probability"] < 1 and f["n"] > 0 for f in risky)
    assert all("probability" not in f for f in doc["findings"] if f["rule"] != "false_miss_risk")
    assert {x["method"] for x in doc["fairness"]} >= {"binomial", "bootstrap"}
    md = (out / "review.md").read_text(encoding="utf-8")
    assert md.startswith("# Review of acme-travel-nordlys-2026") and "## False-miss risk of each minimum" in md
    html = (out / "review.html").read_text(encoding="utf-8")
    assert html.count('class="finding ') == len(doc["findings"])
    assert json.loads((out / "manifest.json").read_text())["command"] == "review"
    printed = capsys.readouterr().out
    assert "contracts/acme-travel-nordlys.yaml:19: warning: missing_holiday" in printed


def test_strict_exits_3_on_an_error_and_0_without_strict(tmp_path, small_demo):
    data = tmp_path / "data"
    shutil.copytree(small_demo, data)
    (data / "workforce.csv").unlink()
    contract = _contract(tmp_path, _credit_utilization)
    args = ["review", str(contract), "--data", str(data), "--out", str(tmp_path / "o")]
    assert main(args) == 0
    assert main(args + ["--strict"]) == 3
    doc = json.loads((tmp_path / "o" / "review.json").read_text())
    error = next(f for f in doc["findings"] if f["severity"] == "error")
    assert (error["rule"], error["kpi"]) == ("not_measurable", "util")
    assert "no workforce table" in error["message"]
    assert main(["review", str(_contract(tmp_path)), "--strict", "--out", str(tmp_path / "o")]) == 0


def test_a_contract_with_html_in_its_text_is_escaped(tmp_path):
    contract = _contract(tmp_path, lambda d: d["kpis"].update({"x": {"metric": "csat", "target": ">= 80%",
                                                                     "label": "<script>x</script>"}}))
    assert main(["review", str(contract), "--out", str(tmp_path / "o")]) == 0
    assert "<script>" not in (tmp_path / "o" / "review.html").read_text()


@pytest.mark.parametrize("argv, says", [
    (["review", "missing.yaml"], "missing.yaml"),
    (["review", "contracts/acme-travel-nordlys.yaml", "--suggest"], "--data"),
    (["review", "contracts/acme-travel-nordlys.yaml", "--data", "nowhere"], "nowhere"),
])
def test_bad_input_exits_2_with_a_located_message(tmp_path, capsys, argv, says):
    assert main(argv + ["--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def _months(kpi: str, values: list[float], status: str = "green") -> SimpleNamespace:
    months = [f"2026-{m:02d}" for m in range(1, len(values) + 1)]
    return SimpleNamespace(results=pd.DataFrame({
        "period": months, "kpi": kpi, "grain": "vendor", "entity": "V", "value": values, "n": 100,
        "status": status, "note": ""}))


@pytest.mark.parametrize("values, rule", [
    ([0.70, 0.72, 0.74], "never_met"),  # fcr target >= 75 %: missed all three months
    ([0.75, 0.80, 0.90], "always_met"),  # the edge counts as met
    ([0.70, 0.80, 0.90], None),
    ([0.70, 0.72], None),  # two months are too few to say "every month"
])
def test_targets_never_or_always_met(tmp_path, values, rule):
    contract = load_contract(_contract(tmp_path))
    found = target_history(contract, _months("fcr", values), Locator(contract))
    assert [f.rule for f in found] == ([rule] if rule else [])
