"""load_dataset never crashes on bad input (property tests, scorecard.data).

The product promise: a bad required value quarantines its row, a bad optional value clears its cell,
both named in Dataset.quality; an unreadable file, a missing required column or an interactions table
with no row left raises DataError; any other exception is a bug. When a Dataset comes back, nothing was
dropped silently: rows read = clean rows + quarantined rows of the report, every cleared cell is
missing in the clean frame and marked in Dataset.cleared, and the clean frames have the dtypes of
docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scorecard.contract.loader import load_contract
from scorecard.data import Dataset, load_dataset
from scorecard.data.quality import WHOLE_COLUMN, checks_for, ranges
from scorecard.data.schema import BOOL, CATEGORIES, LABEL, NUMBER, PERIOD, SECONDS, TABLES, TIMESTAMP, allowed_channels
from scorecard.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = load_contract(ROOT / "contracts" / "acme-travel-nordlys.yaml")
SCALE = float(os.environ.get("SCORECARD_FUZZ_SCALE", "1"))  # e.g. 20 for a long hunt
RUNS = settings(max_examples=int(120 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=int(60 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- cell values, valid and hostile

HOSTILE = ["", " ", "\t", "  \u00a0 ", "NaN", "nan", "null", "NULL", "None", "NA", "N/A", "#N/A", "-", "1e309",
           "-1e309", "inf", "-Infinity", "-0", "0", "1e308", "99999999999999999999999999", "-5", "é", "日本語",
           "😀", "\u2028", "\x0b", "a,b", 'say "hi"', '"', "'", "line\nbreak", "two\r\nlines", ";", "|",
           "=1+1", "\ufeff", "x" * 300, "true", "2"]
DATES = ["2026-03-02 09:00", "2026-03-02 09:00:00", "2026-03-02T09:00:00Z", "2026-03-02T09:00:00+14:00",
         "2026-03-02T09:00:00-12:00", "2026-03-02T09:00+0530", "2026-03-29T02:30:00", "2026-03-29 02:30",
         "2026-10-25T02:30:00", "2026-03-02T09:00:00.123456789", "2026-03-02", "02/03/2026", "2026/03/02",
         "20260302T090000", "2026-02-30 10:00", "2026-13-01", "2026-03-02 25:00", "9999-12-31",
         "9999-12-31T23:59:59+14:00", "0001-01-01", "1677-09-21 00:00", "2262-04-12 00:00", "1900-01-01",
         "Mar 2 2026", "1772442000", "2026-03-02T09:00:00+99:00", "2026-03-02 09:00 +01:00", "2026-W10-1"]
BOOLS = ["Y", "y", "yes", "YES", "no", "N", "true", "False", "T", "f", "1", "0", "1.0", "0.0", "2", "-1", "oui",
         " yes ", "TRUE\n"]
CHANNELS = ["voice", "Voice", "VOICE", " chat ", "email", "Social", "messaging", "self_service", "Self_Service",
            "fax", "vöice", "CHAT\n"]
NUMBERS = ["300", "0", "-0", "3.5", "1,5", "  12 ", "+7", "1_000", "0x10", "86401", "4", "1e2", "-3", "5.0",
           "11", "101", "100", "1e-320"]
GOOD = {TIMESTAMP: ["2026-03-02 09:00", "2026-03-02T09:05:00Z", "2026-03-02T10:00:00+01:00", "2026-03-29T02:30:00"],
        BOOL: ["yes", "no", "Y", "n", "TRUE", "0"], NUMBER: ["1", "2", "3.5", " 4 ", "5.0"],
        SECONDS: ["0", "-0", "120", "3600.5"], LABEL: ["vendor", "client", "S1", "Paris"]}
IDS = ["A1", "A2", "A3", "007", "7", "7.0", " A1", "a1", "É-9", "B 1"]


def cells(valid: list[str]) -> st.SearchStrategy[str]:
    """A cell: mostly a plausible value, often a hostile one, sometimes random text."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(HOSTILE),
                     st.text(max_size=8))


def good_values(table: str, column: str) -> list[str]:
    """Values every row check accepts (but ids repeat, and timestamps may come out of order)."""
    kind = TABLES[table].kind(column)
    if column == "channel":
        return ["voice", "Chat", " EMAIL "]
    if column.endswith("_id"):
        return IDS
    return GOOD.get(kind or LABEL, ["2026-03"])


def valid_values(table: str, column: str) -> list[str]:
    kind = TABLES[table].kind(column)
    if column == "channel":
        return CHANNELS
    if column.endswith("_id") or column == "id":
        return IDS
    return {TIMESTAMP: DATES, BOOL: BOOLS, NUMBER: NUMBERS, SECONDS: NUMBERS + ["0:03:45"],
            PERIOD: ["2026-03", "2026-3", "2026-13"], LABEL: ["vendor", "client", "Paris", "S1", "x"]}[kind or LABEL]


EXTRAS = ["notes", "Extra Col", "straße", "interaction_id_2", "comment (free text)"]


@st.composite
def csv_files(draw, table: str) -> tuple[bytes, list[list[str]]]:
    """(file bytes, the data rows written) for a random column subset of `table`, extras included."""
    spec = TABLES[table]
    optional = [c for c in spec.columns if c not in spec.required]
    if table == "interactions":
        optional += ["servqual_empathy", "servqual_reliability"]
    # a required column is left out now and then (-> DataError naming it)
    dropped = draw(st.sampled_from([None] * 6 + list(spec.required)))
    required = [c for c in spec.required if c != dropped]
    columns = required + draw(st.lists(st.sampled_from(optional), unique=True, max_size=len(optional)))
    columns += draw(st.lists(st.sampled_from(EXTRAS), unique=True, max_size=2))
    columns = draw(st.permutations(columns))
    if not columns:
        columns = [spec.required[0]]
    hostile = st.tuples(*[cells(valid_values(table, c)) if c not in EXTRAS else cells(HOSTILE)
                          for c in columns]).map(list)
    plain = st.tuples(*[st.sampled_from(good_values(table, c)) if c not in EXTRAS else st.text(max_size=5)
                        for c in columns]).map(list)
    rows = draw(st.lists(st.one_of(plain, hostile), max_size=10))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    buffer = io.StringIO()
    # the csv module quotes a cell holding a line break only if the break is in its line terminator
    terminator = "\r\n" if any("\r" in c for row in rows for c in row) else draw(st.sampled_from(["\n", "\r\n"]))
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=terminator)
    writer.writerow(columns)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()) and text.endswith("\n"):
        text = text[:-1] if not text.endswith("\r\n") else text[:-2]  # no newline at the end of the file
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if encoding == "cp1252":
        rows = [[c.encode("cp1252", errors="replace").decode("cp1252") for c in row] for row in rows]
    return data, rows


# ---------------------------------------------------------------- the invariants


def load(folder: Path) -> Dataset | None:
    """load_dataset, where DataError is an allowed answer (None) and anything else fails the test."""
    try:
        return load_dataset(folder, contract=CONTRACT, all_columns=True)
    except DataError as exc:
        assert exc.problems and all(p.file for p in exc.problems), exc
        return None


def written_records(rows: list[list[str]]) -> int:
    """Rows that are records: a line whose every cell is empty is a blank line, not a record."""
    return sum(1 for row in rows if any(cell != "" for cell in row))


def check_invariants(ds: Dataset, table: str, records: int | None) -> None:
    spec = TABLES[table]
    frame = ds.tables[table]
    quality = ds.quality
    assert list(quality.columns) == ["table", "row", "column", "problem", "action"]
    assert set(quality["action"]) <= {"quarantined", "cleared", "warning", "kept", "skipped"}
    mine = quality[quality["table"] == table]
    quarantined = set(mine.loc[mine["action"] == "quarantined", "row"])
    kept_rows = set(frame["source_row"])
    assert set(mine.loc[mine["row"] == WHOLE_COLUMN, "action"]) <= {"warning"}  # row 0: a whole column
    # source_row: int, unique, >= 2 (header is row 1); clean and quarantined rows are disjoint
    assert frame["source_row"].dtype == "int64"
    assert frame["source_row"].is_unique
    assert (frame["source_row"] >= 2).all()
    assert not (kept_rows & quarantined), kept_rows & quarantined
    # nothing silently dropped: rows read = rows kept + rows quarantined
    read = ds.rows_read.get(table, records)
    if records is not None:
        assert read == records, (read, records)
    if read is not None:
        assert len(kept_rows) + len(quarantined) == read, (len(kept_rows), sorted(quarantined), read)
        assert table != "interactions" or read == 0 or kept_rows  # no row left is a DataError
    check_cleared(ds, table)
    # required columns present and filled on clean rows (a cost amount in another currency is the one
    # required cell cleared: it cannot be added to the contract currency's cost)
    cleared = ds.cleared.get(table, pd.DataFrame(index=frame.index))
    for col in spec.required:
        assert col in frame, col
        unknown = cleared[col].to_numpy(dtype=bool) if col in cleared else False
        assert not (frame[col].isna().to_numpy() & ~unknown).any(), (col, frame[col].tolist())
    # dtypes (docs/ARCHITECTURE.md)
    for col in frame.columns:
        kind = spec.kind(col)
        dtype = frame[col].dtype
        if col == "source_row" or kind is None:
            continue
        if kind == TIMESTAMP:
            assert str(dtype) == "datetime64[ns, UTC]", (col, dtype)
        elif kind == BOOL:
            assert str(dtype) == "boolean", (col, dtype)
        elif kind in (NUMBER, SECONDS):
            assert dtype == np.float64, (col, dtype)
            assert not np.isinf(frame[col]).any(), (col, frame[col].tolist())
        else:
            if col in CATEGORIES:  # held as codes: "string" categories, each one some row's value
                assert isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype == "string", (col, dtype)
                assert set(dtype.categories) == set(frame[col].dropna()), col
            else:
                assert isinstance(dtype, pd.StringDtype), (col, dtype)
            assert not (frame[col].dropna() == "").any(), col
    # what the checks promise about clean rows
    if spec.id_column and spec.id_column in frame:
        assert frame[spec.id_column].is_unique
    if "channel" in frame:
        channels = frame["channel"].dropna()
        assert (channels == channels.str.lower()).all()
        assert set(channels) <= allowed_channels(CONTRACT.channels)
    for col, (low, high) in ranges(frame, spec, checks_for(CONTRACT).scales).items():
        values = frame[col].dropna()
        assert ((values >= low) & (values <= high)).all(), (col, values.tolist())
    for col in spec.non_negative:
        if col in frame:
            assert not (frame[col] < 0).any(), col
    for col, (bound, _) in spec.ceilings.items():
        if col in frame:
            assert not (frame[col] > bound).any(), col
    for row in quarantined:
        assert isinstance(row, (int, np.integer)) and row >= 2
    assert all(isinstance(p, str) and p for p in mine["problem"])


def check_cleared(ds: Dataset, table: str) -> None:
    """Each cleared cell is a kept row's cell, missing in the clean frame and True in Dataset.cleared;
    nothing else is marked."""
    frame = ds.tables[table]
    mine = ds.quality[(ds.quality["table"] == table) & (ds.quality["action"] == "cleared")]
    marks = ds.cleared.get(table)
    if marks is None:
        assert mine.empty
        return
    assert marks.index.equals(frame.index) and set(marks.dtypes) == {np.dtype(bool)}
    position = dict(zip(frame["source_row"], frame.index))
    expected = {(position[row], column) for row, column in zip(mine["row"], mine["column"])}
    assert {(i, c) for c in marks.columns for i in marks.index[marks[c].to_numpy()]} == expected
    for at, column in expected:
        assert pd.isna(frame.loc[at, column]), (at, column)


def run_csv(table: str, data: bytes, rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"{table}.csv").write_bytes(data)
        ds = load(folder)
        event("DataError" if ds is None else "Dataset")
        if ds is not None:
            assert set(ds.tables) == {table}
            check_invariants(ds, table, written_records(rows))
            event("with clean rows" if len(ds.tables[table]) else "no clean row")


# ---------------------------------------------------------------- 1. interactions, 2. qa_evaluations, workforce


@RUNS
@given(csv_files("interactions"))
def test_interactions_csv_never_crashes_and_drops_nothing(file):
    run_csv("interactions", *file)


@RUNS
@given(csv_files("qa_evaluations"))
def test_qa_evaluations_csv_never_crashes_and_drops_nothing(file):
    run_csv("qa_evaluations", *file)


@FEW
@given(csv_files("workforce"))
def test_workforce_csv_never_crashes_and_drops_nothing(file):
    run_csv("workforce", *file)


def test_hostile_values_of_the_brief_land_in_the_report(tmp_path):
    """A deterministic witness of the properties: each hostile row is reported, the valid ones kept."""
    rows = [
        ["A1", "Voice", "2026-03-29T02:30:00", "yes", "4"],       # 2 DST gap: kept, shifted to 03:00 CEST
        ["A2", "CHAT", "2026-03-02T09:00:00+14:00", "N", ""],     # 3 far offset: kept
        ["A3", "voice", "9999-12-31", "no", "5"],                 # 4 out of the ns range: quarantined
        ["A4", "voice", "2026-03-02 09:00", "2", "1e309"],        # 5 bad bool, infinite csat: both cleared
        ["A1", "voice", "2026-03-02 09:00", "y", "-0"],           # 6 duplicate id; csat -0 out of 1-5
        ["null", "NULL", "NaN", "null", "null"],                  # 7 every cell a null marker
    ]
    text = "interaction_id,channel,created_at,abandoned,csat\n" + "\n".join(",".join(r) for r in rows) + "\n"
    (tmp_path / "interactions.csv").write_text(text, encoding="utf-8")
    ds = load_dataset(tmp_path, contract=CONTRACT, all_columns=True)
    clean = ds.tables["interactions"]
    assert clean["source_row"].tolist() == [2, 3, 5]
    assert clean["created_at"].tolist() == [pd.Timestamp("2026-03-29 01:00", tz="UTC"),
                                            pd.Timestamp("2026-03-01 19:00", tz="UTC"),
                                            pd.Timestamp("2026-03-02 08:00", tz="UTC")]
    assert clean[["abandoned", "csat"]].iloc[2].isna().all()
    reported = set(zip(ds.quality["row"], ds.quality["column"]))
    assert {(4, "created_at"), (5, "abandoned"), (5, "csat"), (6, "interaction_id"), (6, "csat"),
            (7, "interaction_id")} <= reported
    check_invariants(ds, "interactions", len(rows))


# ---------------------------------------------------------------- 3. garbage files


def _valid_parquet() -> bytes:
    frame = pd.DataFrame({"interaction_id": ["A1", "A2"], "channel": ["voice", "chat"],
                          "created_at": ["2026-03-02 09:00", "2026-03-02 10:00"], "csat": [4.0, 5.0]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _valid_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["interaction_id", "channel", "created_at", "csat"])
    sheet.append(["A1", "voice", "2026-03-02 09:00", 4])
    sheet.append(["A2", "chat", "2026-03-02 10:00", 5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VALID = {".parquet": _valid_parquet(), ".xlsx": _valid_xlsx(),
         ".csv": b"interaction_id,channel,created_at,csat\nA1,voice,2026-03-02 09:00,4\nA2,chat,2026-03-02 10:00,5\n"}
MAGIC = [b"", b"PAR1", b"PK\x03\x04", b"\xef\xbb\xbf", b"\x00\x00", b"\xff\xfe", b"%PDF-1.4\n", b"\x1f\x8b"]


@FEW
@given(suffix=st.sampled_from(sorted(VALID)), magic=st.sampled_from(MAGIC), body=st.binary(max_size=600))
def test_random_bytes_are_a_data_error(suffix, magic, body):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"interactions{suffix}").write_bytes(magic + body + (magic if suffix == ".parquet" else b""))
        try:
            load_dataset(folder, contract=CONTRACT, all_columns=True)
        except DataError as exc:
            assert all(p.file for p in exc.problems)
        else:
            raise AssertionError(f"random bytes read as a table: {magic + body!r}")


@FEW
@given(suffix=st.sampled_from([".parquet", ".xlsx"]), data=st.data())
def test_truncated_binary_files_are_a_data_error(suffix, data):
    whole = VALID[suffix]
    cut = data.draw(st.integers(0, len(whole) - 1))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"interactions{suffix}").write_bytes(whole[:cut])
        try:
            load_dataset(folder, contract=CONTRACT, all_columns=True)
        except DataError:
            pass
        else:
            raise AssertionError(f"a {suffix} file cut at byte {cut} of {len(whole)} read as a table")


@FEW
@given(suffix=st.sampled_from(sorted(VALID)), data=st.data())
def test_corrupted_files_load_or_raise_data_error(suffix, data):
    """Bytes overwritten or inserted anywhere (a damaged file may still read: then the invariants hold)."""
    whole = bytearray(VALID[suffix])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(whole) - 1))
        patch = data.draw(st.binary(min_size=1, max_size=8))
        if data.draw(st.booleans()):
            whole[at:at + len(patch)] = patch
        else:
            whole[at:at] = patch
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"interactions{suffix}").write_bytes(bytes(whole))
        ds = load(folder)
        if ds is not None:
            check_invariants(ds, "interactions", None)


@FEW
@given(body=st.binary(max_size=400))
def test_valid_header_then_binary_garbage(body):
    """A CSV whose records are arbitrary bytes (NUL, invalid UTF-8, stray quotes, CR)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "interactions.csv").write_bytes(b"interaction_id,channel,created_at,csat\n" + body)
        ds = load(folder)
        if ds is not None:
            check_invariants(ds, "interactions", None)


# ---------------------------------------------------------------- the bugs these properties found, pinned


def test_header_only_csv_without_final_newline_is_an_empty_table(tmp_path):
    (tmp_path / "interactions.csv").write_bytes(b"interaction_id,channel,created_at")
    ds = load_dataset(tmp_path, contract=CONTRACT, all_columns=True)
    assert len(ds.tables["interactions"]) == 0 and ds.quality.empty


def test_parquet_text_that_is_not_utf8_is_a_data_error(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    def text(values: list[bytes]) -> pa.Array:  # a string column holding bytes that are not UTF-8
        offsets = np.cumsum([0] + [len(v) for v in values]).astype("int32")
        return pa.Array.from_buffers(pa.string(), len(values),
                                     [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(values))])

    table = pa.table({"interaction_id": text([b"A\x80", b"A2"]), "channel": ["voice", "chat"],
                      "created_at": ["2026-03-02 09:00", "2026-03-02 10:00"]})
    pq.write_table(table, tmp_path / "interactions.parquet")
    try:
        load_dataset(tmp_path, contract=CONTRACT, all_columns=True)
    except DataError as exc:
        assert exc.problems[0].file.endswith("interactions.parquet")
    else:
        raise AssertionError("a Parquet string column with invalid UTF-8 was read")


def test_native_dates_outside_the_nanosecond_range_are_reported(tmp_path):
    """Parquet timestamps and Excel date cells in year 9999 or 0001 are unparseable, never a crash."""
    import datetime as dt

    import openpyxl

    frame = pd.DataFrame({"interaction_id": ["A1", "A2", "A3"], "channel": ["voice"] * 3,
                          "created_at": pd.to_datetime(["2026-03-02 09:00", "9999-12-31", "0001-01-01"],
                                                       format="ISO8601").as_unit("us"),
                          "answered_at": pd.to_datetime(["9999-12-31 00:00", None, None]).as_unit("us")})
    parquet = tmp_path / "p"
    parquet.mkdir()
    frame.to_parquet(parquet / "interactions.parquet", index=False)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["interaction_id", "channel", "created_at", "answered_at"])
    sheet.append(["A1", "voice", dt.datetime(2026, 3, 2, 9), dt.datetime(9999, 12, 31)])
    sheet.append(["A2", "voice", dt.datetime(9999, 12, 31), None])
    sheet.append(["A3", "voice", dt.datetime(1, 1, 1), None])
    excel = tmp_path / "x"
    excel.mkdir()
    workbook.save(excel / "interactions.xlsx")
    for folder in (parquet, excel):
        ds = load_dataset(folder, contract=CONTRACT, all_columns=True)
        assert ds.tables["interactions"]["source_row"].tolist() == [2]  # its answered_at cleared
        assert set(zip(ds.quality["row"], ds.quality["column"], ds.quality["action"])) == {
            (2, "answered_at", "cleared"), (3, "created_at", "quarantined"), (4, "created_at", "quarantined")}, folder
        assert all("is not a readable timestamp" in p for p in ds.quality["problem"])
        check_invariants(ds, "interactions", 3)


def test_derived_answer_time_with_an_absurd_wait_is_reported(tmp_path):
    """pwc-call-center derives answered_at = created_at + wait_s: a wait of 1e20 s must not overflow; the
    call stays (it was offered), its wait and answer time are cleared."""
    text = ("Call Id,Agent,Date,Time,Topic,Answered (Y/N),Resolved,Speed of answer in seconds,"
            "AvgTalkDuration,Satisfaction rating\n"
            "ID1,Diane,2021-01-01,9:12:58,Contract related,Y,Y,1e20,0:02:23,3\n"
            "ID2,Diane,2021-01-01,9:13:58,Contract related,Y,Y,30,0:02:23,4\n")
    (tmp_path / "interactions.csv").write_text(text, encoding="utf-8")
    ds = load_dataset(tmp_path, contract=CONTRACT, mapping="pwc-call-center", all_columns=True)
    assert ds.tables["interactions"]["source_row"].tolist() == [2, 3]
    assert set(zip(ds.quality["row"], ds.quality["column"], ds.quality["action"])) == {
        (2, "answered_at", "cleared"), (2, "wait_s", "cleared")}
    check_invariants(ds, "interactions", 2)


# ---------------------------------------------------------------- 4. costs, volumes, qa_items; the CLI


@FEW
@given(table=st.sampled_from(["costs", "volumes", "qa_items"]), data=st.data())
def test_costs_volumes_and_qa_items_never_crash_and_drop_nothing(table, data):
    run_csv(table, *data.draw(csv_files(table)))


CLI = settings(max_examples=int(25 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CLI
@given(interactions=csv_files("interactions"), costs=st.one_of(st.none(), csv_files("costs")),
       volumes=st.one_of(st.none(), csv_files("volumes")))
def test_evaluate_on_random_tables_exits_0_or_2_and_reports_what_load_reports(interactions, costs, volumes):
    """Through the CLI: bad data is exit 2 (a located message) or exit 0 with data_quality.csv holding
    exactly the rows the data stage reported; never an internal error."""
    import contextlib

    from scorecard.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        for name, file in (("interactions", interactions), ("costs", costs), ("volumes", volumes)):
            if file is not None:
                (folder / f"{name}.csv").write_bytes(file[0])
        ds = load(folder)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            code = main(["evaluate", str(ROOT / "contracts" / "acme-travel-nordlys.yaml"), "--data", str(folder),
                         "--period", "2026-03", "--out", str(Path(tmp) / "out")])
        assert code in (0, 2), err.getvalue()
        event(f"exit {code}")
        if ds is None:
            assert code == 2
        elif code == 0:
            written = pd.read_csv(Path(tmp) / "out" / "data_quality.csv", dtype=str, keep_default_na=False)
            assert len(written) == len(ds.quality)
            assert written["action"].tolist() == ds.quality["action"].tolist()
