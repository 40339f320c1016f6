"""Database sources (--data source.yaml): SQLite and DuckDB files built here give the same
results.csv as the same rows read from CSV; bad sources are located exit-2 errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from scorecard.cli import main
from scorecard.data.schema import TABLES

CONTRACT = str(Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml")


def _source(tmp_path: Path, url: str, tables: dict[str, str]) -> Path:
    lines = [f"url: {url}", "tables:"] + [f"  {k}: \"{v}\"" for k, v in tables.items()]
    path = tmp_path / "source.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _csv_tables(small_demo: Path) -> dict[str, pd.DataFrame]:
    """The demo tables as text, as a CSV export gives them."""
    return {t: pd.read_csv(small_demo / f"{t}.csv", dtype=str, keep_default_na=False).replace("", None)
            for t in TABLES if (small_demo / f"{t}.csv").exists()}


def _evaluate(data: Path, out: Path) -> str:
    assert main(["-q", "evaluate", CONTRACT, "--data", str(data), "--out", str(out), "--period", "2026-03"]) == 0
    lines = (out / "results.csv").read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[:1] + sorted(lines[1:]))  # same rows; the KPI engine does not fix their order


@pytest.fixture(scope="module")
def from_csv(small_demo, tmp_path_factory) -> str:
    return _evaluate(small_demo, tmp_path_factory.mktemp("csv"))


def test_sqlite_source_gives_the_csv_results(small_demo, from_csv, tmp_path):
    with sqlite3.connect(tmp_path / "contacts.db") as conn:
        for name, frame in _csv_tables(small_demo).items():
            frame.to_sql(f"t_{name}", conn, index=False)
    tables = {name: f"t_{name}" for name in _csv_tables(small_demo)}
    tables["qa_items"] = "SELECT * FROM t_qa_items"  # a query works as a table name does
    source = _source(tmp_path, "sqlite:///contacts.db", tables)  # relative to the source file
    assert _evaluate(source, tmp_path / "out") == from_csv


def test_duckdb_source_with_typed_columns_gives_the_csv_results(small_demo, from_csv, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "contacts.duckdb"
    with duckdb.connect(str(db)) as conn:  # read_csv types the columns: timestamps, numbers, booleans
        for name in _csv_tables(small_demo):
            conn.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{small_demo / name}.csv', "
                         "all_varchar=false)")
    source = _source(tmp_path, f"duckdb:///{db}", {name: name for name in _csv_tables(small_demo)})
    assert _evaluate(source, tmp_path / "out") == from_csv


def test_row_numbers_are_the_query_rows(tmp_path, capsys):
    with sqlite3.connect(tmp_path / "c.db") as conn:
        conn.execute("CREATE TABLE i (interaction_id TEXT, created_at TEXT, channel TEXT)")
        conn.executemany("INSERT INTO i VALUES (?, ?, ?)", [
            ("A1", "2026-03-02 09:00:00", "voice"), ("A2", "2026-03-02 09:05:00", "fax"),
            ("A3", "2026-03-02 09:10:00", "voice")])
    source = _source(tmp_path, "sqlite:///c.db", {"interactions": "SELECT * FROM i ORDER BY interaction_id"})
    assert main(["evaluate", CONTRACT, "--data", str(source), "--out", str(tmp_path / "o")]) == 0
    quality = pd.read_csv(tmp_path / "o" / "data_quality.csv")
    assert quality.loc[quality["column"] == "channel", "row"].tolist() == [2]  # A2 is the 2nd row returned


@pytest.mark.parametrize("url, tables, words", [
    ("sqlite:///c.db", {"interactions": "SELECT * FROM nowhere"}, ["tables.interactions", "nowhere"]),
    ("postgresql://bob:secret@db/x", {"interactions": "i"}, ["password", "PGPASSWORD"]),
    ("sqlite:///${G_UNSET_DB}", {"interactions": "i"}, ["G_UNSET_DB", "not set"]),
    ("sqlite:///c.db", {"calls": "i"}, ["'calls' is not a canonical table"]),
    ("nosuchdb://x", {"interactions": "i"}, ["cannot use the database URL"]),
])
def test_a_bad_source_is_a_located_error(tmp_path, capsys, url, tables, words):
    sqlite3.connect(tmp_path / "c.db").close()
    source = _source(tmp_path, url, tables)
    assert main(["evaluate", CONTRACT, "--data", str(source), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "source.yaml" in err and "Traceback" not in err
    for word in words:
        assert word in err
