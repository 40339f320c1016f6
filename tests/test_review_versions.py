"""`scorecard review` runs its clause rules on every amended version (review W, finding 7): what an
amendment newly creates is reported once, at the amendment's line, with the month it applies from;
what the base already had is not repeated."""

from __future__ import annotations

import json
from pathlib import Path

from scorecard.cli import main

BASE = (Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
AMENDMENTS = """
amendments:
  - effective: 2026-05-01
    note: dsat credited, fcr dropped
    kpis:
      fcr: removed
    service_credits:
      allocations: {dsat: 10%}
  - effective: 2026-09-01
    note: more at risk
    service_credits: {at_risk: 25%}
"""


def _findings(tmp_path: Path, text: str) -> tuple[list[dict], list[str]]:
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["review", str(path), "--out", str(tmp_path / "out"), "-q"]) == 0
    return json.loads((tmp_path / "out" / "review.json").read_text())["findings"], text.splitlines()


def test_what_an_amendment_creates_is_found_at_its_line(tmp_path):
    findings, lines = _findings(tmp_path, BASE + AMENDMENTS)
    dated = [f for f in findings if "(amendment of" in f["message"]]
    assert [(f["rule"], f["kpi"]) for f in dated] == [("unweighted", "dsat"), ("at_risk_high", "")]
    dsat, at_risk = dated
    assert dsat["message"] == ("from 2026-05 (amendment of 2026-05-01): dsat earns service credits but has no "
                               "weight in the overall score")
    assert "allocations: {dsat: 10%}" in lines[dsat["line"] - 1]
    assert at_risk["message"] == "from 2026-09 (amendment of 2026-09-01): 25% of the monthly fee is at risk"
    assert "at_risk: 25%" in lines[at_risk["line"] - 1]


def test_a_finding_of_the_base_is_not_repeated_for_each_version(tmp_path):
    base, _ = _findings(tmp_path / "base", BASE)
    amended, _ = _findings(tmp_path / "amended", BASE + AMENDMENTS)
    undated = [(f["rule"], f["kpi"], f["line"]) for f in amended if "(amendment of" not in f["message"]]
    assert undated == [(f["rule"], f["kpi"], f["line"]) for f in base]
    # removing fcr changes the operations manager's KPI count (a figure in the message): same finding
    assert sum(f["rule"] == "too_many_kpis" and "operations_manager" in f["message"] for f in amended) == 1


def test_an_amendment_that_creates_no_new_situation_adds_no_finding(tmp_path):
    findings, _ = _findings(tmp_path, BASE + """
amendments:
  - effective: 2026-05-01
    note: fee only
    contract: {monthly_fee: 500000}
""")
    assert not [f for f in findings if "(amendment of" in f["message"]]
