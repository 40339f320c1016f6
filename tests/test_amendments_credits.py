"""An amendment that starts crediting a KPI the contract already had: the months an earlier version
priced without it cost nothing, so nothing of theirs is earned back, and their misses neither
escalate the first credited month nor count towards chronic failure. Figures by hand."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D
from pathlib import Path

import pandas as pd
from test_amendments import AMENDMENT, BASE, data  # noqa: F401 (data: the amendment tests' data fixture)
from test_credits_clauses import AMBER, GREEN, RED, scored
from test_scoring import make_contract

from scorecard.cli import main
from scorecard.contract.model import Contract, Incentives, ServiceCredits, Version
from scorecard.periods import parse_period
from scorecard.scoring import overall_scores
from scorecard.versions import version_credits, version_uses

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]


def amended(base_allocations: dict[str, float], later_allocations: dict[str, float], **clause) -> Contract:
    """57,600 EUR at risk (12 % x 480,000); from 2026-04 the amendment's allocations apply."""
    def version(allocations: dict[str, float]) -> Contract:
        terms = ServiceCredits(at_risk=0.12, pool=2.0, allocations=allocations, escalation=(1.0, 1.5, 2.0),
                               chronic_misses=3, chronic_within_months=6, **clause)
        return make_contract(credits=terms)
    base, later = version(base_allocations), version(later_allocations)
    versions = (Version("base", 0, False, None, None, "", base),
                Version("amended 2026-04-01", 1, False, "2026-04", None, "", later))
    return dataclasses.replace(base, versions=versions)


def credits(contract: Contract, sl: dict[str, float], fcr: dict[str, float]):
    periods = [parse_period(m) for m in MONTHS]
    frame = version_credits(scored(contract, sl, fcr), contract, version_uses(contract, periods), MONTHS, {})
    return frame.set_index(["period", "kpi"])


def test_a_newly_credited_kpi_returns_nothing_the_earlier_version_never_charged():
    """fcr red in Jan-Mar under the base (no allocation: nothing charged), green from April, when the
    amendment credits it: April-June earn nothing back (earn-back after 3 months would return
    January-March credits re-priced with the amended terms, 23,040 EUR and more)."""
    c = amended({"sl": 0.4}, {"sl": 0.4, "fcr": 0.4}, earn_back_months=3)
    out = credits(c, sl={m: GREEN for m in MONTHS}, fcr={**dict.fromkeys(MONTHS[:3], RED),
                                                         **dict.fromkeys(MONTHS[3:], GREEN)})
    assert [out.at[(m, "fcr"), "earned_back"] for m in MONTHS[3:]] == [D("0.00")] * 3
    assert [out.at[(m, "TOTAL"), "earned_back"] for m in MONTHS] == [D("0.00")] * 6
    assert [out.at[(m, "TOTAL"), "paid"] for m in MONTHS] == [D("0.00")] * 6


def test_the_first_credited_month_is_a_first_miss_and_not_chronic():
    """fcr red every month; credited from April: April x 1 (23,040 EUR = 57,600 x 40 %), May x 1.5
    (34,560), June x 2 (46,080); chronic failure (3 misses within 6 months) only in June, counting
    April, May and June, not the uncredited misses of January-March."""
    c = amended({"sl": 0.4}, {"sl": 0.4, "fcr": 0.4})
    out = credits(c, sl={m: AMBER for m in MONTHS}, fcr=dict.fromkeys(MONTHS, RED))
    fcr = out.xs("fcr", level="kpi")
    assert fcr["escalation"].tolist() == [1.0, 1.5, 2.0]
    assert fcr["credit"].tolist() == [D("23040.00"), D("34560.00"), D("46080.00")]
    assert fcr["chronic_failure"].tolist() == [False, False, True]
    assert "2026-04, 2026-05, 2026-06" in fcr.at["2026-06", "explanation"]


def test_a_kpi_split_per_channel_by_the_amendment_starts_its_channel_lines_afresh():
    """sl red every month, credited as a whole by the base (x 1, x 1.5, x 2 in January-March) and
    per channel (voice 40 %) by the amendment: the voice line had no allocation before April, so
    April is its first miss, x 1 = 23,040 EUR, and it is chronic only in June."""
    c = amended({"sl": 0.4}, {})
    later = c.versions[1].contract
    assert later.service_credits is not None
    split = dataclasses.replace(later, service_credits=dataclasses.replace(
        later.service_credits, channel_allocations={"sl": {"voice": 0.4}}))
    c = dataclasses.replace(c, versions=(c.versions[0], dataclasses.replace(c.versions[1], contract=split)))
    rows = scored(c, dict.fromkeys(MONTHS, RED))
    voice = rows[(rows["kpi"] == "sl") & (rows["grain"] == "vendor")].assign(grain="channel", entity="voice")
    frame = version_credits(pd.concat([rows, voice], ignore_index=True), c,
                            version_uses(c, [parse_period(m) for m in MONTHS]), MONTHS, {})
    whole = frame[(frame["kpi"] == "sl") & (frame["channel"] == "")].set_index("period")
    assert whole["credit"].tolist() == [D("23040.00"), D("34560.00"), D("46080.00")]
    lines = frame[(frame["kpi"] == "sl") & (frame["channel"] == "voice")].set_index("period")
    assert lines.index.tolist() == MONTHS[3:]
    assert lines["escalation"].tolist() == [1.0, 1.5, 2.0]
    assert lines["credit"].tolist() == [D("23040.00"), D("34560.00"), D("46080.00")]
    assert lines["chronic_failure"].tolist() == [False, False, True]


def test_a_quarter_across_a_fee_amendment_pays_each_month_at_its_own_fee():
    """Score 100 (band >= 95: 100 %) over 2026-Q2, fee 480,000 EUR in April and 520,000 EUR from May:
    bonus = 3 % x (480,000 + 520,000 + 520,000) = 45,600 EUR, not 3 % x 520,000 x 3 = 46,800."""
    pool = Incentives(bonus_pool=0.03, bands=((95.0, 1.0),))
    april = make_contract(incentives=pool)
    may = dataclasses.replace(april, monthly_fee=520000)
    rows = scored(may, {"2026-Q2": GREEN})
    out = overall_scores(rows, may, in_force=lambda m: april if m == "2026-04" else may).set_index("period")
    assert out.at["2026-Q2", "bonus"] == D("45600.00")
    assert out.at["2026-Q2", "explanation"].endswith(
        "bonus = 100 % x (3 % x 480,000 EUR + 3 % x 520,000 EUR x 2 months) = 45,600 EUR.")
    one_fee = overall_scores(rows, may).set_index("period")  # not amended: the sentence as before
    assert one_fee.at["2026-Q2", "bonus"] == D("46800.00")
    assert one_fee.at["2026-Q2", "explanation"].endswith("bonus = 100 % x 3 % x 520,000 EUR x 3 months = 46,800 EUR.")


def _deck_texts(path: Path) -> list[str]:
    """Each slide's text boxes and table rows, " | "-joined."""
    from pptx import Presentation

    out = []
    for slide in Presentation(str(path)).slides:
        parts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        parts += [" | ".join(c.text for c in row.cells) for s in slide.shapes if s.has_table for row in s.table.rows]
        out.append("\n".join(parts))
    return out


def test_a_quarter_deck_across_a_fee_amendment(data, tmp_path):  # noqa: F811 (the imported fixture)
    """Fee 480,000 EUR in Jan-Feb, 500,000 EUR in March (AMENDMENT): cap 57,600 x 2 + 60,000 =
    175,200 EUR (not 60,000 x 3), an at-risk line per version, the calibration credit of February
    (8,640 EUR) earned back in March in its own column, aht's per-channel allocation as two rows."""
    text = BASE.replace("    after: 3 months ", "    after: 1 month ").replace("  pool: 200%", "  pool: 250%").replace(
        "    qa_calibration: 15%\n  earn_back", "    qa_calibration: 15%\n    aht: {voice: 10%, chat: 10%}\n  earn_back")
    path = tmp_path / "amended.yaml"
    path.write_text(text + AMENDMENT, encoding="utf-8")
    assert main(["deck", str(path), "--data", str(data), "--period", "2026-Q1", "--out", str(tmp_path / "d.pptx"),
                 "-q"]) == 0
    texts = _deck_texts(tmp_path / "d.pptx")
    summary = next(t for t in texts if t.startswith("Executive summary"))
    assert "(cap €175,200), earned back €8,640" in summary
    credits = next(t for t in texts if t.startswith("Service credits"))
    assert ("Contract version base: Jan 2026, Feb 2026\nAt risk: 12% of the monthly fee €480,000 = €57,600\n"
            "Contract version amended 2026-03-01: Mar 2026\nAt risk: 12% of the monthly fee €500,000 = €60,000") in credits
    assert "KPI | Jan 2026 | Feb 2026 | Mar 2026 | Total after cap | Earned back" in credits
    rows = {line.split(" | ")[0]: line.split(" | ")[1:] for line in credits.splitlines() if " | " in line}
    assert rows["Calibration within tolerance"][-1] == "€8,640"
    assert rows["Total after cap"][-1] == "€8,640"
    assert {"Average handle time (voice)", "Average handle time (chat)"} <= set(rows)
    assert "Average handle time" not in rows
