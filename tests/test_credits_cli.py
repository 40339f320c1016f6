"""End to end through the CLI: a contract with a waived transition, escalation and a per-channel
allocation evaluated on the small demo (2026-02 in transition, 2026-03 charged)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal as D
from pathlib import Path

from pptx import Presentation
from test_contract_errors import SKETCH

from scorecard.cli import main

SERVICE_LEVEL = """  service_level:
    metric: service_level
    params: {threshold: 20s, exclude_abandoned_within: 5s}
    filter: {channel: [voice, chat]}
    target: ">= 80%"
    per_channel_minimums: {voice: ">= 70%", chat: ">= 65%"}
  service_level_voice:
"""
AT_RISK = D(57600)  # 12 % x 480,000 EUR


def write_contract(tmp_path: Path, allocation: str = "{voice: 20%, chat: 20%}") -> Path:
    text = (SKETCH.replace("  service_level_voice:\n", SERVICE_LEVEL, 1)
            .replace("    service_level_voice: 40%\n", f"    service_level: {allocation}\n", 1)
            .replace("    qa_score: 15%\n", "    qa_score: 5%\n    aht: 10%\n", 1)
            .replace("  earn_back:\n", "  transition: {until: 2026-03-01, credits: waived}\n"
                                       "  escalation: [1, 1.5, 2]\n  earn_back:\n", 1))
    path = tmp_path / "contract.yaml"
    path.write_text(text)
    return path


def test_transition_escalation_and_channels_from_the_cli(small_demo, tmp_path):
    out = tmp_path / "out"
    assert main(["-q", "evaluate", str(write_contract(tmp_path)), "--data", str(small_demo), "--out", str(out),
                 "--from", "2026-02", "--to", "2026-03"]) == 0
    with (out / "credits.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[-3:] == ["channel", "escalation", "would_have_been"]
    lines = [r for r in rows if r["kpi"] != "TOTAL"]
    assert [(r["kpi"], r["channel"]) for r in lines if r["kpi"] == "service_level"] == \
        [("service_level", "voice"), ("service_level", "chat")] * 2
    for r in lines:
        share = D(r["allocation"])
        expected = (AT_RISK * share).quantize(D("0.01")) if r["missed"] == "true" else D("0.00")
        assert D(r["would_have_been"]) == expected, r  # 2026-03: x 1, February was waived (the run restarts)
        assert D(r["credit"]) == (D(0) if r["period"] == "2026-02" else expected), r
        assert r["escalation"] == "1.0"
    totals = {r["period"]: r for r in rows if r["kpi"] == "TOTAL"}
    # February: AHT (10 %) and calibration (15 %) missed, 5,760 + 8,640 EUR waived
    assert D(totals["2026-02"]["paid"]) == 0 and D(totals["2026-02"]["would_have_been"]) == D("14400.00")
    # March: voice service level 65.5 % < 70 % (11,520), chat 83.6 % meets its 65 %; AHT x 1 again
    assert [(r["channel"], r["credit"]) for r in lines if r["kpi"] == "service_level" and r["period"] == "2026-03"] \
        == [("voice", "11520.00"), ("chat", "0.00")]
    assert D(totals["2026-03"]["paid"]) == D("51840.00")  # 11,520 + 23,040 + 5,760 + 11,520
    explanations = [c["explanation"] for p in json.loads((out / "results.json").read_text())["periods"]
                    for c in p["credits"]]
    assert sum("the credit is waived: 0 EUR charged" in e for e in explanations) == 2
    assert not any("service_credits." in e or "clause " in e for e in explanations)


def test_a_channel_allocation_the_kpi_cannot_judge_exits_2(small_demo, tmp_path, capsys):
    path = write_contract(tmp_path, "{voice: 20%, email: 20%}")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    line = path.read_text().splitlines().index("    service_level: {voice: 20%, email: 20%}") + 1
    assert f"contract.yaml:{line}:" in err and 'no target or minimum of its own for channel "email"' in err
    assert "Traceback" not in err


def test_the_decks_credits_slide_says_what_was_waived(small_demo, tmp_path):
    out = tmp_path / "run"
    assert main(["-q", "run", str(write_contract(tmp_path)), "--data", str(small_demo), "--out", str(out),
                 "--period", "2026-02"]) == 0
    slide = next(s for s in Presentation(str(out / "deck.pptx")).slides
                 if s.shapes.title is not None and s.shapes.title.text == "Service credits - Feb 2026")
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    cells = {" ".join(row.cells[0].text.split()): [" ".join(c.text.split()) for c in row.cells] for row in table.rows}
    assert cells["Average handle time"][4] == "10% × €57,600 = €5,760, waived (transition)"
    assert cells["Average handle time"][5] == "€0"
    assert cells["Service level (voice)"][3] == "20%" and cells["Service level (chat)"][4] == "—"
    text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert "Transition until 1\u00a0Mar\u00a02026: credits waived" in text
    assert "Escalation of consecutive misses: × 1 / × 1.5 / × 2" in text
    notes = slide.notes_slide.notes_text_frame.text
    assert "In the transition period (until 1\u00a0Mar\u00a02026) the credit is waived" in notes


def test_the_documented_example_contract(small_demo, tmp_path):
    """examples/credit-clauses.yaml, which docs/credits.md walks through, validates and prices the
    small demo: February waived (5,760 + 8,640 EUR), March charged (5,760 + 20,160 + 11,520 EUR)."""
    example = Path(__file__).resolve().parents[1] / "examples" / "credit-clauses.yaml"
    assert main(["-q", "validate", str(example)]) == 0
    assert main(["-q", "evaluate", str(example), "--data", str(small_demo), "--out", str(tmp_path),
                 "--from", "2026-02", "--to", "2026-03"]) == 0
    with (tmp_path / "credits.csv").open() as f:
        totals = {r["period"]: r for r in csv.DictReader(f) if r["kpi"] == "TOTAL"}
    assert (totals["2026-02"]["paid"], totals["2026-02"]["would_have_been"]) == ("0.00", "14400.00")
    assert (totals["2026-03"]["paid"], totals["2026-03"]["would_have_been"]) == ("37440.00", "37440.00")
