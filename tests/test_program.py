"""The program view: reading a program file, matching KPIs across contracts, and program outputs that
equal each vendor's own `evaluate`, end to end through the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scorecard.cli import main

ROOT = Path(__file__).resolve().parents[1]
NORDLYS = ROOT / "contracts/acme-travel-nordlys.yaml"
GLOBEX = ROOT / "contracts/globex-email-chat.yaml"


def _program(tmp_path: Path, data: Path, body: str | None = None) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text(body or f"""program: Acme Travel
vendors:
  - contract: {NORDLYS}
    data: {data}
    name: Tallinn
  - contract: {NORDLYS}
    data: {data}
    name: "=Porto"
  - contract: {GLOBEX}
    data: {data}
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def program_out(small_demo, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("program")
    out = tmp / "out"
    assert main(["program", str(_program(tmp, small_demo)), "--period", "2026-03", "--out", str(out)]) == 0
    return out


def test_each_vendor_equals_evaluate_on_its_own_contract(program_out, small_demo, tmp_path):
    assert main(["evaluate", str(NORDLYS), "--data", str(small_demo), "--period", "2026-03",
                 "--out", str(tmp_path / "alone")]) == 0
    alone = pd.read_csv(tmp_path / "alone/results.csv")
    alone = alone[alone["grain"] == "vendor"].set_index("kpi")
    program = pd.read_csv(program_out / "program.csv")
    tallinn = program[program["vendor"] == "Tallinn"].set_index("kpi")
    shared = tallinn.index.intersection(alone.index)
    assert len(shared) >= 5
    pd.testing.assert_series_equal(tallinn.loc[shared, "value"], alone.loc[shared, "value"], check_names=False)
    assert (tallinn.loc[shared, "status"] == alone.loc[shared, "status"]).all()
    keys = ["period", "kpi", "grain", "entity"]
    mine = pd.read_csv(next((program_out / "vendors").glob("tallinn*")) / "results.csv")
    pd.testing.assert_frame_equal(mine.sort_values(keys, ignore_index=True),
                                  pd.read_csv(tmp_path / "alone/results.csv").sort_values(keys, ignore_index=True))


def test_program_csv_columns_benchmark_and_neutralised_names(program_out):
    program = pd.read_csv(program_out / "program.csv")
    assert list(program.columns) == ["period", "kpi", "metric", "vendor", "value", "n", "target", "status",
                                     "points", "benchmark"]
    assert set(program["vendor"]) == {"Tallinn", "'=Porto", "Brightline BPO"}
    fcr = program[program["metric"] == "first_contact_resolution"]
    assert len(fcr) and (fcr["benchmark"] == "70%-75% (Zendesk Benchmark)").all()


def test_league_tables_and_not_comparable_list(program_out):
    html = (program_out / "program.html").read_text(encoding="utf-8")
    assert html.count("<h3>") == len(set(pd.read_csv(program_out / "program.csv")["kpi"]))
    assert "Industry benchmark: 70%-75% (Zendesk Benchmark)" in html
    assert "<h2>Not comparable</h2>" in html and "only Brightline BPO&#x27;s contract measures" in html
    assert "=Porto" in html and "<script" not in html


def test_manifest_names_the_program_and_every_input(program_out):
    import json

    manifest = json.loads((program_out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "program" and manifest["contract"]["id"] == "Acme Travel"
    assert str(GLOBEX) in {i["file"] for i in manifest["inputs"]}
    assert {"program.csv", "program.html", "integrity.csv"} <= {f["path"] for f in manifest["files"]}


@pytest.mark.parametrize("body, said", [
    ("program: X\nvendors: []\n", "a program needs at least one vendor"),
    ("program: X\nvendors:\n  - contract: nowhere.yaml\n    data: .\n",
     "program.yaml:3:15: vendors[0].contract: the contract file 'nowhere.yaml' does not exist"),
    ("program: X\nvendor:\n  - contract: a.yaml\n", "vendor"),
    ("program: X\nvendors:\n  - data: .\n", "contract"),
    ("program: [X\n", "YAML syntax error"),
    ("program: X\nlanguage: de\nvendors:\n  - data: .\n", "program.yaml:2:11: language: no program wording in language 'de'"),
])
def test_bad_program_files_exit_2_with_a_located_message(tmp_path, capsys, body, said):
    path = _program(tmp_path, tmp_path, body)
    assert main(["program", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_two_vendors_with_one_name_exit_2(tmp_path, small_demo, capsys):
    body = "program: X\nvendors:\n" + "".join(
        f"  - contract: {NORDLYS}\n    data: {small_demo}\n    name: Same\n" for _ in range(2))
    assert main(["program", str(_program(tmp_path, small_demo, body)), "--out", str(tmp_path / "o")]) == 2
    assert 'two vendors are named "Same"' in capsys.readouterr().err


def test_program_deck_slides(program_out):
    from pptx import Presentation

    deck = Presentation(str(program_out / "program.pptx"))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert titles[0] == "Acme Travel"
    assert "Vendors - Mar 2026" in titles and "Integrity signals (vendor level)" in titles
    assert any(t.startswith("KPIs across vendors - Mar 2026") for t in titles)
    kpi_slide = next(s for s in deck.slides if s.shapes.title.text.startswith("KPIs across vendors"))
    table = next(sh.table for sh in kpi_slide.shapes if sh.has_table)
    assert [c.text for c in table.rows[0].cells] == ["KPI", "Tallinn", "=Porto", "Brightline BPO", "benchmark"]


def test_program_outputs_in_the_programs_language(small_demo, tmp_path):
    """`language: fr` in the program file: French words, numbers, statuses and dates in program.html
    and program.pptx; program.csv keeps its English headers (OUTPUTS.md)."""
    from pptx import Presentation

    body = _program(tmp_path, small_demo).read_text(encoding="utf-8").replace("program: Acme Travel\n",
                                                                              "program: Acme Travel\nlanguage: fr\n")
    path = tmp_path / "program.yaml"
    path.write_text(body, encoding="utf-8")
    assert main(["program", str(path), "--period", "2026-03", "--out", str(tmp_path / "fr")]) == 0
    html = (tmp_path / "fr" / "program.html").read_text(encoding="utf-8")
    assert "<html lang=fr>" in html and "<h2>Prestataires</h2>" in html and "Indicateurs côte à côte" in html
    assert "Période mars 2026\u00a0: 3 prestataires" in html
    assert "<h3>Résolution au premier contact <span" in html
    assert "Référence du secteur\u00a0: 70%-75% (Zendesk Benchmark)" in html
    assert "seul le contrat de Brightline BPO" in html
    program = pd.read_csv(tmp_path / "fr" / "program.csv")
    assert list(program.columns)[:4] == ["period", "kpi", "metric", "vendor"]
    value = program[(program["vendor"] == "Tallinn") & (program["metric"] == "first_contact_resolution")]["value"]
    assert f"{100 * value.iloc[0]:.1f}".replace(".", ",") + "\u00a0%" in html  # French decimals
    from scorecard.render.format import status_label
    assert all(f">{status_label(s, 'fr')}</td>" in html for s in program["status"])
    deck = Presentation(str(tmp_path / "fr" / "program.pptx"))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert "Prestataires - mars 2026" in titles and "Signaux d'intégrité (niveau prestataire)" in titles
    kpis = next(s for s in deck.slides if s.shapes.title.text.startswith("Indicateurs par prestataire"))
    header = [c.text for c in next(sh.table for sh in kpis.shapes if sh.has_table).rows[0].cells]
    assert header[0] == "Indicateur" and header[-1] == "référence marché"
