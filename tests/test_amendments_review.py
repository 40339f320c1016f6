"""`scorecard review`: an amendment that makes a target or minimum easier is advice, at its line."""

from __future__ import annotations

import json
from pathlib import Path

from scorecard.cli import main

BASE = (Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
AMENDMENTS = """
amendments:
  - effective: 2026-04-01
    note: ratchet and concession
    kpis:
      service_level_voice: {target: ">= 85%"}
      aht: {target: "<= 8m", per_channel_targets: {chat: "<= 10m"}}
"""


def test_easier_targets_are_advice_at_the_amendment_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(BASE + AMENDMENTS, encoding="utf-8")
    assert main(["review", str(path), "--out", str(tmp_path / "out"), "-q"]) == 0
    findings = [f for f in json.loads((tmp_path / "out" / "review.json").read_text())["findings"]
                if f["rule"] == "easier_amendment"]
    lines = path.read_text().splitlines()
    assert [(f["kpi"], f["severity"]) for f in findings] == [("aht", "advice")]  # chat 12m -> 10m is harder
    assert '"<= 8m"' in lines[findings[0]["line"] - 1]
    assert "<= 7m becomes <= 8m" in findings[0]["message"]
