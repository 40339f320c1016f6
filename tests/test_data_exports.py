"""Real exports' quirks, each reproduced by a small file built here: duration units and day fractions,
missing markers, ids from the row number or several columns, timestamps derived from a duration,
constants by construction, and the readers' blank lines, malformed lines, encodings and offsets."""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.cli import main
from scorecard.contract.model import Contract
from scorecard.data import ConstantInput, load_dataset
from scorecard.data.mapping import constant_inputs, load_mapping, resolve_mapping
from scorecard.data.parse import to_timestamp
from scorecard.data.readers import read_table
from scorecard.errors import ContractError, DataError

CONTRACT = Contract(id="t", client="c", vendor="v", currency="CHF", timezone="Europe/Zurich", effective=None,
                    expires=None, monthly_fee=None, kpis={})
CONTRACT_YAML = """\
contract:
  id: export-test
  client: Client
  vendor: Vendor
  currency: CHF
  timezone: Europe/Zurich
kpis:
  average_handle_time:
    metric: average_handle_time
    target: "<= 4m"
  total_resolution_time:
    metric: total_resolution_time
    statistic: mean
    target: "<= 3d"
"""
CALLS = """\
tables:
  interactions:
    columns:
      interaction_id: Call
      channel: {{value: voice}}
      created_at: Opened
      abandoned: {{from: Answered, invert: true}}
      wait_s: Wait
      answered_at: {{derive: created_at + wait_s}}
      handle_time_s: {{from: Talk, unit: {unit}}}
"""


def _yaml(tmp_path: Path, text: str, name: str = "map.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _calls(tmp_path: Path, columns: str) -> Path:
    """A mapping of the calls export: Call is the id, Opened the creation time, plus `columns`."""
    head = "tables:\n  interactions:\n    columns:\n      interaction_id: Call\n      channel: {value: voice}\n"
    rest = textwrap.indent(textwrap.dedent(columns).lstrip("\n"), " " * 6)
    return _yaml(tmp_path, head + "      created_at: Opened\n" + rest)


def _csv(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _evaluate(tmp_path: Path, data: Path, mapping: Path | None = None) -> int:
    contract = tmp_path / "contract.yaml"
    contract.write_text(CONTRACT_YAML, encoding="utf-8")
    args = ["evaluate", str(contract), "--data", str(data), "--out", str(tmp_path / "out"), "--period", "2026-03"]
    return main(args + (["--mapping", str(mapping)] if mapping else []))


def _results(tmp_path: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader((tmp_path / "out" / "results.csv").open(encoding="utf-8"))
    return {r["kpi"]: r for r in rows if r["grain"] == "vendor"}


def _quality(tmp_path: Path) -> pd.DataFrame:
    return pd.read_csv(tmp_path / "out" / "data_quality.csv", keep_default_na=False)


# ---------------------------------------------------------------- durations: units, day fractions, clocks


@pytest.mark.parametrize("unit, cell, seconds", [
    ("seconds", "143", 143.0), ("milliseconds", "143000", 143.0), ("minutes", "2.5", 150.0),
    ("hours", "0.5", 1800.0), ("days", "0.001655", 142.992),  # an Excel day fraction: 0.001655 d = 143 s
])
def test_a_duration_unit_gives_seconds(tmp_path, unit, cell, seconds):
    export = _csv(tmp_path, f"Call,Opened,Answered,Wait,Talk\nC1,2026-03-02 09:00,Y,20,{cell}\n")
    ds = load_dataset(export, contract=CONTRACT, mapping=_yaml(tmp_path, CALLS.format(unit=unit)), all_columns=True)
    assert ds.tables["interactions"]["handle_time_s"].tolist() == [pytest.approx(seconds)]


@pytest.mark.parametrize("unit, scale", [("minutes", 60.0), ("days", 86400.0)])
def test_aht_of_minutes_and_day_fractions_equals_plain_pandas(tmp_path, unit, scale):
    rng = np.random.default_rng(7)
    n = 60
    talk = rng.uniform(1, 9, n) * 60 / scale  # 1-9 minutes, written in the export's unit
    frame = pd.DataFrame({
        "Call": [f"C{i}" for i in range(n)],
        "Opened": [f"2026-03-{1 + i % 28:02d} {8 + i % 9:02d}:15" for i in range(n)],
        "Answered": rng.choice(["Y", "N"], n, p=[0.8, 0.2]), "Wait": rng.integers(0, 90, n), "Talk": talk})
    frame.to_csv(tmp_path / "calls.csv", index=False)
    assert _evaluate(tmp_path, tmp_path / "calls.csv", _yaml(tmp_path, CALLS.format(unit=unit))) == 0
    raw = pd.read_csv(tmp_path / "calls.csv")
    answered = raw[raw["Answered"] == "Y"]
    aht = _results(tmp_path)["average_handle_time"]
    assert float(aht["value"]) == pytest.approx((answered["Talk"] * scale).mean(), rel=1e-12)
    assert int(aht["n"]) == len(answered) and 60 < float(aht["value"]) < 540


def test_clock_text_and_unit_on_the_same_column_is_refused(tmp_path):
    path = _yaml(tmp_path, """
        tables:
          interactions:
            columns:
              handle_time_s: {from: Talk, format: "h:mm:ss", unit: minutes}
        """)
    with pytest.raises(ContractError) as err:
        load_mapping(path)
    assert [(p.line, p.field) for p in err.value.problems] == [(4, "tables.interactions.columns.handle_time_s.unit")]


# ---------------------------------------------------------------- missing markers


def test_missing_markers_are_empty_cells_not_values(tmp_path):
    export = _csv(tmp_path, """
        Call,Opened,Answered,Wait,Talk,Closed day,Closed time
        C1,2026-03-02 09:00,Y,0:00:20,0:02:23,2026-03-02,10:30:00
        C2,2026-03-02 09:05,Y,-,0:00:00,2026-03-02,0:00:00
        """)
    mapping = _calls(tmp_path, """
              wait_s: {from: Wait, format: "h:mm:ss", missing: "-"}
              handle_time_s: {from: Talk, format: "h:mm:ss", missing: ["0:00:00", "N.A."]}
              resolved_at: {date: Closed day, time: Closed time, missing: ["0:00:00"]}
        """)
    ds = load_dataset(export, contract=CONTRACT, mapping=mapping, all_columns=True)
    df = ds.tables["interactions"]
    assert ds.quality.empty
    assert df["handle_time_s"].iloc[0] == 143.0 and pd.isna(df["handle_time_s"].iloc[1])  # not 0 s
    assert df["wait_s"].iloc[0] == 20.0 and pd.isna(df["wait_s"].iloc[1])
    assert df["resolved_at"].iloc[0] == pd.Timestamp("2026-03-02 09:30", tz="UTC")
    assert pd.isna(df["resolved_at"].iloc[1])  # the placeholder is not midnight


# ---------------------------------------------------------------- ids from the row number or several columns


def test_ids_from_the_row_number_and_from_joined_columns(tmp_path):
    export = _csv(tmp_path, """
        Date,Agent,Call Id,Opened
        2026-03-02,Diane,17,2026-03-02 09:00
        2026-03-02,Diane,17,2026-03-02 09:10

        2026-03-03,Joe,17,2026-03-03 09:00
        """)
    by_row = _yaml(tmp_path, """
        tables:
          interactions:
            columns:
              interaction_id: {row_number: true}
              channel: {value: voice}
              created_at: Opened
        """, "by-row.yaml")
    df = load_dataset(export, contract=CONTRACT, mapping=by_row, all_columns=True).tables["interactions"]
    assert df["interaction_id"].tolist() == ["2", "3", "5"]  # the rows a spreadsheet shows; no duplicate
    joined = _yaml(tmp_path, """
        tables:
          interactions:
            columns:
              interaction_id: {join: [Date, Agent, Call Id], sep: "/"}
              channel: {value: voice}
              created_at: Opened
        """, "joined.yaml")
    ds = load_dataset(export, contract=CONTRACT, mapping=joined, all_columns=True)
    assert ds.tables["interactions"]["interaction_id"].tolist() == ["2026-03-02/Diane/17", "2026-03-03/Joe/17"]
    duplicate = ds.quality[ds.quality["column"] == "interaction_id"]
    assert duplicate["row"].tolist() == [3] and "first seen on row 2" in duplicate["problem"].iloc[0]


# ---------------------------------------------------------------- derived timestamps


DAYS_OPEN = """
    tables:
      interactions:
        columns:
          interaction_id: Ticket
          channel: {value: email}
          created_at: Created
          resolved_at: {derive: created_at + Days open, unit: days}
    """


def test_resolved_at_is_created_at_plus_days_open(tmp_path):
    export = _csv(tmp_path, """
        Ticket,Created,Days open
        T1,2026-03-02 09:00,1.5
        T2,2026-03-03 10:00,
        T3,2026-03-04 11:00,soon
        T4,2026-03-05 12:00,1e20
        """)
    mapping = _yaml(tmp_path, DAYS_OPEN)
    ds = load_dataset(export, contract=CONTRACT, mapping=mapping, all_columns=True)
    df = ds.tables["interactions"].set_index("interaction_id")
    assert df.loc["T1", "resolved_at"] == pd.Timestamp("2026-03-03 20:00", tz="UTC")  # 08:00 UTC + 36 h
    assert pd.isna(df.loc["T2", "resolved_at"])  # still open: in the backlog
    problems = dict(zip(ds.quality["row"], ds.quality["problem"]))
    assert problems[4] == "resolved_at (from Days open) 'soon' is not a number of days"
    assert problems[5] == "resolved_at = created_at + Days open is not a readable timestamp (Days open 1e+20)"
    assert set(ds.quality["column"]) == {"resolved_at"}


def test_days_open_through_the_cli_gives_the_resolution_time_of_plain_pandas(tmp_path):
    export = _csv(tmp_path, """
        Ticket,Created,Days open
        T1,2026-03-02 09:00,1.5
        T2,2026-03-03 10:00,0.25
        T3,2026-03-04 11:00,
        """)
    mapping = _yaml(tmp_path, DAYS_OPEN)
    assert _evaluate(tmp_path, export, mapping) == 0
    resolution = _results(tmp_path)["total_resolution_time"]
    assert float(resolution["value"]) == pytest.approx((1.5 + 0.25) / 2 * 86400) and resolution["n"] == "2"


def test_bad_new_mapping_options_are_located(tmp_path):
    path = _yaml(tmp_path, """
        tables:
          interactions:
            columns:
              interaction_id: {row_number: yes please}
              customer_id: {join: Agent}
              agent_id: {from: Agent, sep: "-"}
              wait_s: {from: Wait, unit: fortnights}
              csat: {from: Score, unit: minutes}
              handle_time_s: {value: 3, missing: ["-"]}
              resolved_at: {derive: created_at plus Days}
              answered_at: {derive: answered_at + wait_s}
              first_response_at: {derive: created_at + csat}
              abandoned_at: {derive: created_at + wait_s, unit: minutes}
              assigned_at: {derive: resolved_at + wait_s}
        """)
    with pytest.raises(ContractError) as err:
        load_mapping(path)
    got = {(p.line, p.field.rsplit(".", 2)[-2:][0] + "." + p.field.rsplit(".", 1)[-1]) for p in err.value.problems}
    assert got == {(4, "interaction_id.row_number"), (5, "customer_id.join"), (6, "agent_id.sep"),
                   (7, "wait_s.unit"), (8, "csat.unit"), (9, "handle_time_s.missing"),
                   (10, "resolved_at.derive"), (11, "answered_at.derive"), (12, "first_response_at.derive"),
                   (13, "abandoned_at.unit")}
    assert all(str(p).startswith(f"{path}:") for p in err.value.problems)


def test_a_derive_from_a_derived_column_is_refused(tmp_path):
    path = _yaml(tmp_path, """
        tables:
          interactions:
            columns:
              answered_at: {derive: created_at + wait_s}
              resolved_at: {derive: answered_at + handle_time_s}
        """)
    with pytest.raises(ContractError) as err:
        load_mapping(path)
    (problem,) = err.value.problems
    assert (problem.line, problem.message) == (5, "answered_at is derived itself")


# ---------------------------------------------------------------- constant by construction


def test_constant_inputs_of_the_support_tickets_preset():
    found = constant_inputs(resolve_mapping("support-tickets"))
    assert found == (
        ConstantInput("interactions", frozenset({"abandoned"}),
                      "abandoned is set to the constant false by the mapping (support-tickets.yaml, line 23), "
                      "not measured"),
        ConstantInput("interactions", frozenset({"created_at", "first_response_at"}),
                      "created_at and first_response_at are both read from 'First Response Time' "
                      "(support-tickets.yaml, lines 20-21): their difference is 0 by construction"))
    lines = (Path(resolve_mapping("support-tickets").path).read_text().splitlines())
    assert lines[22].strip().startswith("abandoned: {value: false}")
    assert lines[19].strip().startswith("created_at:") and lines[20].strip().startswith("first_response_at:")


def test_labels_and_differently_read_columns_are_not_constants(tmp_path):
    mapping = load_mapping(_yaml(tmp_path, """
        tables:
          interactions:
            columns:
              channel: {value: voice}
              vendor: {value: Nordlys}
              resolved: {from: Status, map: {Closed: true}}
              abandoned: {from: Status, map: {Abandoned: true}}
              created_at: Opened
              resolved_at: {from: Opened, format: "%Y-%m-%d %H:%M"}
        """))
    assert constant_inputs(mapping) == ()
    assert constant_inputs(resolve_mapping("pwc-call-center")) == ()


def test_load_dataset_carries_the_constants(tmp_path):
    export = _csv(tmp_path, "Call,Opened\nC1,2026-03-02 09:00\n")
    mapping = _calls(tmp_path, """
              first_response_at: Opened
              transferred: {value: false}
              wait_s: {value: 0}
              answered_at: {derive: created_at + wait_s}
              abandoned: {value: false}
        """)
    ds = load_dataset(export, contract=CONTRACT, mapping=mapping, all_columns=True)
    assert {c.columns: c.reason for c in ds.constants} == {
        frozenset({"transferred"}): "transferred is set to the constant false by the mapping (map.yaml, line 8), "
                                    "not measured",
        frozenset({"wait_s"}): "wait_s is set to the constant 0 by the mapping (map.yaml, line 9), not measured",
        frozenset({"abandoned"}): "abandoned is set to the constant false by the mapping (map.yaml, line 11), "
                                  "not measured",
        frozenset({"created_at", "first_response_at"}): "created_at and first_response_at are both read from "
            "'Opened' (map.yaml, lines 6-7): their difference is 0 by construction",
        frozenset({"created_at", "answered_at"}): "answered_at is created_at plus wait_s, set to the constant 0 "
                                                  "(map.yaml, lines 9-10): their difference is fixed by construction"}


# ---------------------------------------------------------------- readers


def test_trailing_empty_header_cells_are_ignored(tmp_path):
    path = tmp_path / "interactions.csv"
    path.write_text("interaction_id,channel,created_at,,,\nA1,voice,2026-03-02 09:00,,,\nA2,voice,2026-03-02 09:05\n")
    ds = load_dataset(tmp_path, contract=CONTRACT, all_columns=True)
    assert ds.tables["interactions"].columns.tolist() == ["interaction_id", "channel", "created_at", "source_row"]
    assert ds.tables["interactions"]["interaction_id"].tolist() == ["A1", "A2"] and ds.quality.empty


def test_blank_lines_are_reported_as_skipped_through_the_cli(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "interactions.csv").write_text("interaction_id,channel,created_at\n\nA1,voice,2026-03-02 09:00\n"
                                           ",,\n\nA2,voice,2026-03-02 09:05\n\n\n")
    ds = load_dataset(data, contract=CONTRACT, all_columns=True)
    assert ds.rows_read == {"interactions": 2} and ds.tables["interactions"]["source_row"].tolist() == [3, 6]
    assert _evaluate(tmp_path, data) == 0
    quality = _quality(tmp_path)
    assert quality[["row", "column", "problem", "action"]].values.tolist() == [
        [2, "", "blank line", "skipped"], [4, "", "blank line", "skipped"], [5, "", "blank line", "skipped"]]


def test_excel_padded_header_and_blank_rows(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["interaction_id", "channel", "created_at", None, " "])
    sheet.append(["A1", "voice", "2026-03-02 09:00"])
    sheet.append([None, None, None])
    sheet.append(["A2", "voice", "2026-03-02 09:05"])
    sheet.append(["A3", "voice", "2026-03-02 09:10", None, "stray"])
    sheet.append([None])
    workbook.save(tmp_path / "interactions.xlsx")
    ds = load_dataset(tmp_path, contract=CONTRACT, all_columns=True)
    assert ds.tables["interactions"].columns.tolist() == ["interaction_id", "channel", "created_at", "source_row"]
    assert ds.quality[["row", "problem", "action"]].values.tolist() == [
        [3, "blank line", "skipped"],
        [5, "this row has a value in column 5, the header names 3 columns; the row is left out (fix it in the "
            "export)", "quarantined"]]
    assert ds.rows_read == {"interactions": 3}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_bom_exports_are_read(tmp_path, encoding):
    text = "interaction_id\tchannel\tcreated_at\treason\nA1\tvoice\t2026-03-02 09:00\tRéclamation\n"
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # Excel's "Unicode text": UTF-16 with its byte-order mark
        data = "\ufeff".encode(encoding) + data
    (tmp_path / "interactions.csv").write_bytes(data)
    df = load_dataset(tmp_path, contract=CONTRACT, all_columns=True).tables["interactions"]
    assert df[["interaction_id", "reason"]].values.tolist() == [["A1", "Réclamation"]]


def test_malformed_lines_are_quarantined_and_the_rest_is_read(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "interactions.csv").write_text(
        "interaction_id,channel,created_at\n"
        "A1,voice,2026-03-02 09:00\n"
        "A2,voice,2026-03-02 09:05,surprise\n"       # row 3: a value beyond the header
        'A3,"voice,2026-03-02 09:10\n'               # row 4: a quote never closed
        "A4,voice,2026-03-02 09:15\n"
        "A5,voice\n"                                 # row 6: too few cells
        '"A6","multi\nline",2026-03-02 09:20\n'      # row 7: a quoted line break is a value, not a fault
        "A7,voice,2026-03-02 09:25\n")
    ds = load_dataset(data, contract=CONTRACT, all_columns=True)
    assert ds.tables["interactions"]["interaction_id"].tolist() == ["A1", "A4", "A7"]
    assert ds.tables["interactions"]["source_row"].tolist() == [2, 5, 8]
    assert ds.rows_read == {"interactions": 7}
    assert _evaluate(tmp_path, data) == 0
    quality = _quality(tmp_path)
    lines = quality[quality["column"] == ""]
    assert lines["row"].tolist() == [3, 4, 6] and set(lines["action"]) == {"quarantined"}
    assert lines["problem"].tolist() == [
        "this line has values in 4 cells, the header names 3 columns: 'A2,voice,2026-03-02 09:05,surprise'; "
        "the line is left out (fix it in the export)",
        "this line opens a quote (\") that is not closed where the line ends: 'A3,\"voice,2026-03-02 09:10'; "
        "the line is left out (fix it in the export)",
        "this line has 2 cells, the header has 3: 'A5,voice'; the line is left out (fix it in the export)"]
    assert quality[quality["row"] == 7]["problem"].str.contains("unknown channel 'multi").all()


def test_nested_parquet_columns_are_a_located_error(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    table = pa.table({"interaction_id": ["A1"], "channel": ["voice"], "created_at": ["2026-03-02 09:00"],
                      "agent": pa.array([{"id": "ag1", "team": "T1"}]), "tags": pa.array([["x", "y"]])})
    pq.write_table(table, data / "interactions.parquet")
    with pytest.raises(DataError) as err:
        load_dataset(data, contract=CONTRACT, all_columns=True)
    assert [(p.field, p.message) for p in err.value.problems] == [
        ("agent", "column 'agent' holds nested values (struct): export it flat"),
        ("tags", "column 'tags' holds nested values (list): export it flat")]
    assert _evaluate(tmp_path, data) == 2
    assert "interactions.parquet" in capsys.readouterr().err


@pytest.mark.parametrize("written, utc", [
    ("2026-03-10T09:00:00-05", "2026-03-10 14:00"), ("2026-03-10T09:00:00+0530", "2026-03-10 03:30"),
    ("2026-03-10 09:00-05:00", "2026-03-10 14:00"), ("2026-03-10T09:00:00.5Z", "2026-03-10 09:00:00.5"),
    ("2026-03-10T0900-0500", "2026-03-10 14:00"), ("2026-03-10T09-05", "2026-03-10 14:00"),  # basic format
    ("2026-03-10 09:00", "2026-03-10 08:00"),  # no offset: the contract's time zone (CET)
])
def test_iso_offsets_are_read(tmp_path, written, utc):
    (tmp_path / "interactions.csv").write_text(f"interaction_id,channel,created_at\nA1,voice,{written}\n")
    ds = load_dataset(tmp_path, contract=CONTRACT, all_columns=True)
    assert ds.quality.empty and ds.tables["interactions"]["created_at"].tolist() == [pd.Timestamp(utc, tz="UTC")]


_ISO_PIECES = st.sampled_from(["2026-03-10", "20260310", "T", " ", "09", ":00", "00", ".5", ",5", "Z", "z",
                                "+", "-", "05", "5", "30", ":", "UTC"])


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.lists(_ISO_PIECES, max_size=7).map("".join), min_size=1, max_size=4))
def test_timestamp_text_is_read_or_reported_never_a_crash(cells):
    values, bad = to_timestamp(pd.Series([*cells, "2026-03-10 09:00"], dtype="string"), "Europe/Zurich")
    assert str(values.dtype) == "datetime64[ns, UTC]"
    assert (values.notna() | bad | pd.Series([*cells, "x"]).str.strip().eq("")).all()


# ---------------------------------------------------------------- the line-by-line reader agrees with pyarrow

_cell = st.text(alphabet=st.sampled_from(list('ab ,;"\n1é')), max_size=6)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(_cell, min_size=3, max_size=3), max_size=8), bad=st.sampled_from(
    ["x,y,z,w", 'x,"y,z', "x"]))
def test_a_malformed_last_line_leaves_every_other_record_as_pyarrow_reads_it(tmp_path_factory, rows, bad):
    folder = tmp_path_factory.mktemp("lines")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([["a", "b", "c"], *rows])
    good, worse = folder / "good.csv", folder / "worse.csv"
    good.write_text(buffer.getvalue(), encoding="utf-8")
    worse.write_text(buffer.getvalue() + bad + "\n", encoding="utf-8")
    fast, slow = read_table(good), read_table(worse)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    malformed = slow.report[slow.report["action"] == "quarantined"]
    assert malformed["row"].tolist() == [len(rows) + 2]
    assert slow.rows_read == fast.rows_read + 1


# ---------------------------------------------------------------- the docs' examples (docs/mappings.md)


def _readme_section() -> str:
    return (Path(__file__).resolve().parents[1] / "docs" / "mappings.md").read_text(encoding="utf-8")


def test_the_readme_mappings_are_valid(tmp_path):
    blocks = [b.split("\n", 1)[1] for b in _readme_section().split("```")[1::2] if b.startswith("yaml")]
    assert len(blocks) == 2
    for i, block in enumerate(blocks):
        load_mapping(_yaml(tmp_path, block, f"readme-{i}.yaml"))


def test_the_readme_worked_example_gives_its_numbers(tmp_path):
    blocks = _readme_section().split("```")[1::2]
    export = next(b for b in blocks if b.startswith("\nDate,Agent"))
    mapping = next(b for b in blocks if "file: calls.csv" in b).split("\n", 1)[1]
    data = tmp_path / "data"
    data.mkdir()
    (data / "calls.csv").write_text(export.lstrip("\n"), encoding="utf-8")
    assert _evaluate(tmp_path, data, _yaml(tmp_path, mapping, "calls.yaml")) == 0
    results = _results(tmp_path)
    assert float(results["average_handle_time"]["value"]) == pytest.approx((150 + 240 + 375 + 210) / 4, abs=0.1)
    assert float(results["total_resolution_time"]["value"]) == pytest.approx(1.25 * 86400)
    written = next(b for b in blocks if b.startswith("\ntable,row"))
    assert (tmp_path / "out" / "data_quality.csv").read_text(encoding="utf-8") == written.lstrip("\n")


# ---------------------------------------------------------------- random mappings: an answer, never a crash

_SOURCE = st.sampled_from([
    {"from": "Talk"}, {"from": "Opened"}, {"from": "Days"}, {"from": "Nope"}, {"value": 0}, {"value": "x"},
    {"derive": "created_at + Days"}, {"derive": "created_at + wait_s"}, {"derive": "Opened + Talk"},
    {"derive": "created_at +"}, {"row_number": True}, {"row_number": 1}, {"join": ["Talk", "Days"]}, {"join": []}])
_OPTIONS = st.fixed_dictionaries({}, optional={
    "sep": st.sampled_from(["-", 3]), "unit": st.sampled_from(["days", "minutes", "weeks"]),
    "missing": st.sampled_from([["0:00:00", "-"], "-", [None], [["x"]]]), "format": st.sampled_from(["h:mm:ss", "%d"])})
_RULE = st.one_of(st.none(), st.tuples(_SOURCE, _OPTIONS).map(lambda t: {**t[0], **t[1]}))


@settings(max_examples=200, deadline=None)
@given(rules=st.fixed_dictionaries({c: _RULE for c in ("interaction_id", "handle_time_s", "resolved_at", "wait_s")}))
def test_random_mapping_options_give_a_dataset_or_a_located_error(tmp_path_factory, rules):
    import yaml

    folder = tmp_path_factory.mktemp("random")
    export = _csv(folder, """
        Call,Opened,Talk,Days
        C1,2026-03-02 09:00,0:00:00,1.5
        C2,2026-03-02 09:05,2.5,-
        C3,,x,1e30
        """)
    columns = {"interaction_id": "Call", "channel": {"value": "voice"}, "created_at": "Opened",
               **{k: v for k, v in rules.items() if v}}
    mapping = folder / "map.yaml"
    mapping.write_text(yaml.safe_dump({"tables": {"interactions": {"columns": columns}}}), encoding="utf-8")
    try:
        ds = load_dataset(export, contract=CONTRACT, mapping=mapping, all_columns=True)
    except (ContractError, DataError) as exc:
        assert exc.problems and all(p.file for p in exc.problems)
    else:
        assert ds.rows_read == {"interactions": 3}
        assert len(ds.tables["interactions"]) + (ds.quality["action"] == "quarantined").groupby(
            ds.quality["row"]).any().sum() == 3


def test_an_export_column_read_for_another_canonical_column_is_not_read_twice(tmp_path):
    """`resolved_at: resolved`, where the export's `resolved` holds timestamps: it is not also the
    canonical yes/no `resolved` (which would clear every cell as 'not a yes/no value')."""
    from scorecard.contract.loader import load_contract
    from scorecard.data import load_dataset

    (tmp_path / "export.csv").write_text("id,created,resolved\n1,2026-03-02 09:00,2026-03-02 10:00\n",
                                         encoding="utf-8")
    (tmp_path / "m.yaml").write_text("tables:\n  interactions:\n    columns:\n      interaction_id: id\n"
                                     "      channel: {value: email}\n      created_at: created\n"
                                     "      resolved_at: resolved\n", encoding="utf-8")
    contract = load_contract(Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml")
    ds = load_dataset(tmp_path / "export.csv", contract=contract, mapping=tmp_path / "m.yaml", all_columns=True)
    assert ds.quality.empty and "resolved" not in ds.tables["interactions"]
    assert ds.tables["interactions"]["resolved_at"].notna().all()
