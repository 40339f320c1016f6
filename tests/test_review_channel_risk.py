"""The false-miss risk of a KPI credited per channel: each credited channel's own minimum, on that
channel's monthly rows (a KPI without a minimum of its own was not checked before)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.review.findings import Locator
from scorecard.review.history import risk_findings, risks

ROOT = Path(__file__).resolve().parents[1]
# service_level is credited per channel (voice 20 %, chat 20 %) with its own per-channel minimums
# and no minimum of its own; voice's is moved to 78 %, 2 points under the 80 % target
TIGHT = (ROOT / "examples" / "credit-clauses.yaml").read_text(encoding="utf-8").replace(
    'per_channel_minimums: {voice: ">= 70%"', 'per_channel_minimums: {voice: ">= 78%"')


def _contract(tmp_path: Path) -> Path:
    path = tmp_path / "clauses.yaml"
    path.write_text(TIGHT, encoding="utf-8")
    return path


def _channel_months(n_voice: list[int], n_chat: list[int]) -> SimpleNamespace:
    rows = [{"period": f"2026-0{i + 1}", "kpi": "service_level", "grain": "channel", "entity": channel,
             "value": 0.8, "n": n, "status": "green", "note": ""}
            for channel, ns in (("voice", n_voice), ("chat", n_chat)) for i, n in enumerate(ns)]
    return SimpleNamespace(results=pd.DataFrame(rows))


def _below(n: int, p: float, k: int) -> float:
    """P(X < k) for X ~ Binomial(n, p), summed term by term."""
    return math.fsum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k))


def test_each_credited_channel_is_checked_on_its_own_rows_and_minimum(tmp_path):
    contract = load_contract(_contract(tmp_path))
    found = {r.name: r for r in risks(contract, _channel_months([100, 300, 200], [50, 40, 60]))}
    assert set(found) == {"service_level (voice)", "service_level (chat)"}  # no vendor row: no whole-KPI risk
    voice, chat = found["service_level (voice)"], found["service_level (chat)"]
    # the month of median sample size: 200 voice contacts, 50 chats; a miss is fewer than 78 % (65 %) met
    assert (voice.n, voice.method, chat.n) == (200, "binomial", 50)
    assert math.isclose(voice.probability, _below(200, 0.80, 156), rel_tol=1e-9)
    assert math.isclose(chat.probability, _below(50, 0.80, 33), rel_tol=1e-9)
    assert voice.probability > 0.2 > 0.05 > chat.probability
    [finding] = risk_findings(contract, list(found.values()), Locator(contract))
    assert finding.kpi == "service_level" and "at target on voice" in finding.message
    assert "the voice minimum (>= 78%)" in finding.message
    line = next(i for i, text in enumerate(TIGHT.splitlines(), 1) if "per_channel_minimums" in text)
    assert finding.line == line and finding.suggestion.startswith('set the voice minimum to ">= ')


def test_review_cli_reports_the_channels_risk(tmp_path, small_demo):
    out = tmp_path / "out"
    assert main(["review", str(_contract(tmp_path)), "--data", str(small_demo), "--out", str(out)]) == 0
    doc = json.loads((out / "review.json").read_text(encoding="utf-8"))
    channels = {x["channel"]: x for x in doc["fairness"] if x["kpi"] == "service_level"}
    assert set(channels) == {"voice", "chat"} and channels["voice"]["method"] == "binomial"
    risky = [f for f in doc["findings"] if f["rule"] == "false_miss_risk" and f["kpi"] == "service_level"]
    assert [("voice minimum" in f["message"]) for f in risky] == [True]
    assert "| service_level (voice) |" in (out / "review.md").read_text(encoding="utf-8")
