"""End to end through the CLI: a French contract with labels per language and a per-role sample
size, drawn by `scorecard scorecards` on the small demo data, in French and in English; a wrong
label or role sample size exits 2 with the located problem and its fix."""

from __future__ import annotations

import re
from pathlib import Path

from scorecard.cli import main
from scorecard.render.files import safe_dirname

ROOT = Path(__file__).resolve().parents[1]
SKETCH = (ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
NBSP = "\u00a0"
AHT = "  aht:\n    metric: average_handle_time\n"
TEAM_LEAD = "  team_lead:\n    grain: team_id\n"


def contract(tmp_path: Path, label: str = "{en: Time per contact, fr: Durée par contact}",
             role_sample: str = "{csat: 5}") -> Path:
    text = SKETCH.replace("  monthly_fee: 480000\n", "  monthly_fee: 480000\n  language: fr\n", 1)
    text = text.replace(AHT, AHT + f"    label: {label}\n", 1)
    text = text.replace(TEAM_LEAD, TEAM_LEAD + f"    min_sample: {role_sample}\n", 1)
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def team_card(out: Path) -> str:
    cards = sorted((out / safe_dirname("team_lead")).glob("*.html"))
    return next(p for p in cards if p.name != "index.html").read_text(encoding="utf-8")


def test_french_cards_with_labels_per_language_and_a_team_sample_size(small_demo, tmp_path, capsys):
    path = contract(tmp_path)
    out = tmp_path / "fr"
    assert main(["scorecards", str(path), "--data", str(small_demo), "--period", "2026-03", "--out", str(out)]) == 0
    html = team_card(out)
    assert ">Durée par contact" in html and "Time per contact" not in html
    assert f"Période{NBSP}:" in html and "Période :" not in html
    assert '<html lang="fr">' in html
    # CSAT at team grain is judged from 5 answers (the role's min_sample), not the KPI's 100
    csat = re.search(r'<tr class="row-(\w+)">\s*<th scope="row">Satisfaction client', html)
    assert csat and csat.group(1) != "insufficient_sample"
    english = tmp_path / "en"
    assert main(["scorecards", str(path), "--data", str(small_demo), "--period", "2026-03", "--lang", "en",
                 "--out", str(english)]) == 0
    html = team_card(english)
    assert ">Time per contact" in html and "Durée par contact" not in html


def test_a_label_without_the_contract_language_exits_2_with_its_line(tmp_path, capsys):
    path = contract(tmp_path, label="{en: Time per contact}")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    line = SKETCH[:SKETCH.index(AHT)].count("\n") + 4  # + language:, then aht:, metric:, label:
    assert f"contract.yaml:{line}:" in err and "kpis.aht.label" in err
    assert "no 'fr' text" in err and "add `fr: ...` under label" in err and "Traceback" not in err


def test_an_unknown_kpi_in_a_role_sample_size_exits_2(small_demo, tmp_path, capsys):
    path = contract(tmp_path, role_sample="{cast: 30}")
    assert main(["scorecards", str(path), "--data", str(small_demo), "--period", "2026-03",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "roles.team_lead.min_sample.cast" in err and 'did you mean "csat"' in err and "Traceback" not in err
