"""results.xlsx, opened with openpyxl: sheet names and headers in the contract's language, values
in their unit (types and number formats), frozen headers and filters, text neutralised."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from scorecard.cli import main
from scorecard.xlsx import money_format

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"


@pytest.fixture(scope="module")
def evaluated(small_demo, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx")
    assert main(["-q", "evaluate", str(CONTRACT), "--data", str(small_demo), "--out", str(out),
                 "--period", "2026-03"]) == 0
    return out


def _rows(ws) -> list[dict]:
    cells = list(ws.iter_rows())
    header = [c.value for c in cells[0]]
    return [dict(zip(header, row)) for row in cells[1:]]


def test_sheets_headers_and_layout_in_english(evaluated):
    book = openpyxl.load_workbook(evaluated / "results.xlsx")
    assert book.sheetnames == ["Summary", "Results", "Credits", "Calibration", "Data quality", "Integrity"]
    assert [c.value for c in book["Integrity"][1]] == ["Period", "Grain", "Entity", "Signal", "Value",
                                                       "Baseline", "Evidence"]
    ws = book["Results"]
    assert [c.value for c in ws[1]] == ["Period", "KPI", "Metric", "Grain", "Entity", "Value", "Observations",
                                         "Target", "Minimum", "Status", "Provisional", "Note"]
    assert [c.value for c in book["Summary"][1]][-2:] == ["Points", "Note"]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["E"].width >= len("Nordlys Contact Services")


def test_values_in_their_unit_match_results_csv(evaluated):
    book = openpyxl.load_workbook(evaluated / "results.xlsx")
    with (evaluated / "results.csv").open(newline="") as fh:
        csv_rows = {(r["kpi"], r["grain"], r["entity"]): r for r in csv.DictReader(fh)}
    rows = {(r["KPI"].value, r["Grain"].value, r["Entity"].value): r for r in _rows(book["Results"])}
    assert len(rows) == len(csv_rows)
    sl = rows[("service_level_voice", "vendor", "Nordlys Contact Services")]
    assert sl["Value"].number_format == "0.0%"
    assert sl["Value"].value == pytest.approx(float(csv_rows[("service_level_voice", "vendor",
                                                              "Nordlys Contact Services")]["value"]))
    aht = next(r for k, r in rows.items() if k[0] == "aht" and k[1] == "vendor")
    seconds = float(csv_rows[("aht", "vendor", "Nordlys Contact Services")]["value"])
    assert aht["Value"].number_format == "[h]:mm:ss"
    # a day fraction in the file, which openpyxl reads back as a duration ([h] format)
    assert aht["Value"].value.total_seconds() == pytest.approx(seconds, abs=1e-3)
    assert isinstance(sl["Provisional"].value, bool)
    assert sl["Status"].value in {"Met", "Below target", "Missed", "Small sample", "Not measurable"}


def test_credits_in_the_currency_and_summary_totals(evaluated):
    book = openpyxl.load_workbook(evaluated / "results.xlsx")
    credits = _rows(book["Credits"])
    with (evaluated / "credits.csv").open(newline="") as fh:
        paid = sum(Decimal(r["paid"]) for r in csv.DictReader(fh) if r["kpi"] == "TOTAL")
    assert all(r["Paid"].number_format == '#,##0.00 "EUR"' for r in credits)
    assert all(r["Allocation"].number_format == "0.0%" for r in credits)
    summary = {r["KPI"].value: r for r in _rows(book["Summary"])}
    assert Decimal(str(summary["Service credits paid"]["Value"].value)) == paid
    assert 0 <= summary["Overall score"]["Value"].value <= 100


def test_money_formats_follow_the_minor_unit():
    assert money_format("JPY") == '#,##0 "JPY"'
    assert money_format("KWD") == '#,##0.000 "KWD"'


def test_french_sheets_and_words(small_demo, tmp_path):
    from scorecard.xlsx import write_xlsx

    write_xlsx(_evaluation(small_demo), tmp_path / "r.xlsx", lang="fr")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["Synthèse", "Résultats", "Pénalités", "Calibrage", "Qualité des données",
                               "Intégrité"]
    assert [c.value for c in book["Résultats"][1]][:3] == ["Période", "Indicateur", "Métrique"]
    assert {c.value for c in book["Résultats"]["J"][1:]} <= {"Atteint", "Sous l'objectif", "Manqué",
                                                            "Échantillon insuffisant", "Non mesurable"}


def _evaluation(data: Path):
    from scorecard.contract.loader import load_contract
    from scorecard.data import load_dataset
    from scorecard.evaluate import evaluate
    from scorecard.periods import parse_period

    contract = load_contract(CONTRACT)
    return evaluate(contract, load_dataset(data, contract=contract), [parse_period("2026-03")])


def test_formula_text_is_neutralised_and_control_characters_dropped(small_demo, tmp_path):
    from scorecard.xlsx import write_xlsx

    ev = _evaluation(small_demo)
    ev.quality.loc[len(ev.quality)] = ["interactions", 7, "reason", "=HYPERLINK(\"http://x\")\x00", "cleared"]
    write_xlsx(ev, tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Data quality"]
    last = [c.value for c in list(ws.iter_rows())[-1]]
    assert last[3] == "'=HYPERLINK(\"http://x\")"
    assert ws.cell(ws.max_row, 4).data_type == "s"  # text, not a formula


def test_excel_fr_csv_dialect(small_demo, tmp_path):
    out = tmp_path / "o"
    assert main(["-q", "evaluate", str(CONTRACT), "--data", str(small_demo), "--out", str(out),
                 "--period", "2026-03", "--csv-dialect", "excel-fr"]) == 0
    raw = (out / "credits.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows and all("," in r["paid"] and "." not in r["paid"] for r in rows)
    assert "," in rows[0]["allocation"] or rows[0]["allocation"].isdigit()
    header = (out / "results.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "period;kpi;metric;grain;entity;value;n;target;minimum;status;provisional"


def test_rows_beyond_a_sheet_are_said_never_cut_silently(small_demo, tmp_path, monkeypatch):
    from scorecard import xlsx

    ev = _evaluation(small_demo)
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 5)  # as if the results held more rows than Excel's 1,048,576
    xlsx.write_xlsx(ev, tmp_path / "r.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["Results"].iter_rows(values_only=True))
    assert len(rows) == 1 + 5 + 1
    assert rows[-1][0] == f"{len(ev.results) - 5:,} more rows do not fit in a sheet (Excel holds 1,048,576): " \
                          "every row is in results.csv"


def test_integrity_sheet_holds_integrity_csv_rows(small_demo, tmp_path):
    import dataclasses

    import pandas as pd

    from scorecard.xlsx import write_xlsx

    signal = {"period": "2026-03", "grain": "team_id", "entity": "=HYPERLINK(\"x\")", "signal": "short_contacts",
              "value": 0.31, "baseline": 0.04, "evidence": "31 % of handled voice contacts under 10 s vs 4 %"}
    ev = dataclasses.replace(_evaluation(small_demo), integrity=pd.DataFrame([signal]))
    write_xlsx(ev, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Integrity"]
    rows = [{k: c.value for k, c in row.items()} for row in _rows(sheet)]
    assert rows == [{"Period": "2026-03", "Grain": "team_id", "Entity": "'=HYPERLINK(\"x\")",
                     "Signal": "short_contacts", "Value": 0.31, "Baseline": 0.04,
                     "Evidence": "31 % of handled voice contacts under 10 s vs 4 %"}]


CLAUSES = (ROOT / "examples" / "credit-clauses.yaml").read_text(encoding="utf-8")
AMENDED = CLAUSES + "\namendments:\n  - effective: 2026-03-01\n    note: Amendment 1\n    kpis: {aht: {target: \"<= 8m\"}}\n"


@pytest.mark.parametrize("lang, headers, versions", [
    ("en", ["Channel", "Escalation", "Without the transition", "Contract version"],
     {"2026-02": "base", "2026-03": "amended 2026-03-01"}),
    ("fr", ["Canal", "Majoration", "Sans la transition", "Version du contrat"],
     {"2026-02": "initiale", "2026-03": "avenant du 1er mars 2026"})])
def test_credits_sheet_has_the_columns_after_the_spec_ones(small_demo, tmp_path, lang, headers, versions):
    """channel, escalation (x1.5), would_have_been (money) and the contract version in words, as
    credits.csv has them (which keeps the stable English version ids)."""
    contract = tmp_path / "amended.yaml"
    text = AMENDED.replace("  currency: EUR\n", f"  currency: EUR\n  language: {lang}\n", 1)
    contract.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["-q", "evaluate", str(contract), "--data", str(small_demo), "--out", str(out),
                 "--from", "2026-02", "--to", "2026-03"]) == 0
    ws = openpyxl.load_workbook(out / "results.xlsx").worksheets[2]
    assert [c.value for c in ws[1]][-4:] == headers
    with (out / "credits.csv").open(newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert {r["contract_version"] for r in csv_rows} == {"base", "amended 2026-03-01"}
    cells = list(ws.iter_rows(min_row=2))
    assert len(cells) == len(csv_rows)
    for row, expected in zip(cells, csv_rows, strict=True):
        period, channel, escalation, without, version = (row[0].value, *(c.value for c in row[-4:]))
        assert (period, channel or "") == (expected["period"], expected["channel"])
        assert version == versions[period]
        assert Decimal(str(without)) == Decimal(expected["would_have_been"])
        assert row[-2].number_format == '#,##0.00 "EUR"'
        if expected["kpi"] != "TOTAL":
            assert escalation == float(expected["escalation"]) and row[-3].number_format == '"x"0.0#'
    assert {c[-4].value for c in cells} >= {"voice", "chat"}


def test_results_sheet_cells_for_every_unit_and_status(small_demo, tmp_path):
    """Hand-written result rows: each value in its unit and format, each status in words and colour,
    text neutralised, a missing value an empty formatted cell, an infinite ratio Excel's #DIV/0!."""
    import dataclasses

    import pandas as pd

    from scorecard.xlsx import write_xlsx

    rows = [  # unit, value, status -> cell value, number format, status word, fill
        ("rate", 0.6872, "green", 0.6872, "0.0%", "Met", "FFC6EFCE"),
        ("duration", 9826.95, "amber", 9826.95 / 86400, "[h]:mm:ss", "Below target", "FFFFEB9C"),
        ("points", 87.5, "red", 87.5, "0.0", "Missed", "FFFFC7CE"),
        ("ratio", float("inf"), "insufficient_sample", "=1/0", "0.00", "Small sample", "FFEDEDED"),
        ("count", float("nan"), "not_measurable", None, "#,##0", "Not measurable", "FFEDEDED"),
        ("money", 1234.5, "green", 1234.5, '#,##0.00 "EUR"', "Met", "FFC6EFCE"),
        ("nps", -12.0, "red", -12.0, "General", "Missed", "FFFFC7CE"),
    ]
    results = pd.DataFrame([{"period": "2026-03", "kpi": f"k{i}", "metric": "m", "grain": "team_id",
                             "entity": "=cmd|' /C calc'!A0" if i == 0 else f"T{i}", "value": value, "n": 120 + i,
                             "target": "<= 4.20", "minimum": None, "status": status, "provisional": i == 1,
                             "unit": unit, "note": "interactions has no column handled_at" if i == 4 else ""}
                            for i, (unit, value, status, *_) in enumerate(rows)])
    ev = dataclasses.replace(_evaluation(small_demo), results=results.astype({"minimum": "str"}))
    write_xlsx(ev, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Results"]
    for (unit, _, _, value, fmt, word, fill), cells in zip(rows, _rows(sheet), strict=True):
        shown = cells["Value"].value
        assert (shown.total_seconds() / 86400 if unit == "duration" else shown) == pytest.approx(value), unit
        assert cells["Value"].number_format == fmt
        assert (cells["Status"].value, cells["Status"].fill.fgColor.rgb) == (word, fill)
        assert (cells["Observations"].number_format, cells["Target"].value, cells["Minimum"].value) == \
            ("#,##0", "<= 4.20", None)
    assert [r["Entity"].value for r in _rows(sheet)][:2] == ["'=cmd|' /C calc'!A0", "T1"]
    assert [r["Provisional"].value for r in _rows(sheet)][:3] == [False, True, False]
    assert [r["Note"].value for r in _rows(sheet)][3:5] == [None, "interactions has no column handled_at"]
    assert sheet.auto_filter.ref == "A1:L8"
