"""Contracts of unusual but valid shapes, end to end: no roles, informational KPIs."""

import csv
import re
from pathlib import Path

from scorecard.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"


def _without_roles(tmp_path: Path) -> Path:
    text = CONTRACT.read_text(encoding="utf-8")
    start, end = text.index("\nroles:"), text.index("\ngovernance:")
    path = tmp_path / "no-roles.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return path


def _informational(tmp_path: Path) -> Path:
    """The reference contract plus a volume KPI with neither target nor minimum."""
    text = CONTRACT.read_text(encoding="utf-8").replace(
        "\nkpis:\n", "\nkpis:\n  contacts:\n    metric: volume\n    label: Contacts handled\n", 1)
    path = tmp_path / "informational.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_contract_without_roles_validates_and_runs_with_a_vendor_card(small_demo, tmp_path):
    contract = _without_roles(tmp_path)
    assert main(["validate", str(contract)]) == 0
    out = tmp_path / "out"
    assert main(["run", str(contract), "--data", str(small_demo), "--period", "2026-03", "--out", str(out)]) == 0
    cards = sorted(p.relative_to(out / "scorecards").as_posix() for p in (out / "scorecards").rglob("*.html"))
    assert "operations_manager/index.html" in cards and len(cards) == 3  # top index, role index, one card
    assert (out / "deck.pptx").stat().st_size > 0


def test_an_informational_kpi_is_shown_never_judged(small_demo, tmp_path):
    contract = _informational(tmp_path)
    assert main(["validate", str(contract)]) == 0
    out = tmp_path / "out"
    assert main(["run", str(contract), "--data", str(small_demo), "--period", "2026-03", "--out", str(out)]) == 0
    rows = [r for r in csv.DictReader((out / "results.csv").open()) if r["kpi"] == "contacts"]
    assert rows and {r["status"] for r in rows} == {"informational"}
    vendor = next(r for r in rows if r["grain"] == "vendor")
    assert float(vendor["value"]) > 0 and vendor["target"] == "" and vendor["minimum"] == ""
    card = next(p for p in (out / "scorecards" / "operations_manager").glob("*.html") if p.name != "index.html")
    html = card.read_text(encoding="utf-8")
    assert "Contacts handled" in html and "For information" in html
    counts = (out / "scorecards" / "operations_manager" / "index.html").read_text(encoding="utf-8")
    assert not re.search("For information", counts)  # never counted with the statuses


def test_a_table_mostly_cleared_is_cautioned_on_the_deck_summary_and_the_vendor_card(small_demo, tmp_path):
    import shutil

    import pandas as pd
    from pptx import Presentation

    data = tmp_path / "data"
    shutil.copytree(small_demo, data)
    frame = pd.read_csv(data / "interactions.csv", dtype=str, keep_default_na=False)
    frame.loc[frame.index % 5 == 0, "csat"] = "n/a yet"  # 20 % of the rows: an unreadable survey cell, cleared
    frame.to_csv(data / "interactions.csv", index=False)
    out = tmp_path / "out"
    assert main(["run", str(CONTRACT), "--data", str(data), "--period", "2026-03", "--out", str(out)]) == 0
    card = next(p for p in (out / "scorecards" / "operations_manager").glob("*.html") if p.name != "index.html")
    assert re.search(r"2\d% of the interactions rows \([\d,]+ of [\d,]+\) were left out or had a value cleared",
                     card.read_text(encoding="utf-8"))
    agent = next(p for p in (out / "scorecards" / "agent").glob("*.html") if p.name != "index.html")
    assert "class=\"data-caution\"" not in agent.read_text(encoding="utf-8")  # the vendor-level card says it
    summary = next(s for s in Presentation(str(out / "deck.pptx")).slides
                   if s.shapes.title is not None and s.shapes.title.text.startswith("Executive summary"))
    text = "\n".join(sh.text_frame.text for sh in summary.shapes if sh.has_text_frame)
    assert "of the interactions rows" in text and "data_quality.csv" in text
