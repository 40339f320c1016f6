"""Reading canonical tables and the data-quality report (scorecard.data), on small hand-made files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from scorecard.contract.model import Contract
from scorecard.data import load_dataset
from scorecard.errors import DataError

HEADER = "interaction_id,channel,created_at,answered_at,resolved_at,first_response_at,handle_time_s,wait_s,abandoned,csat,nps,ces,servqual_empathy\n"


def _contract(**kw) -> Contract:
    base = dict(id="t", client="c", vendor="v", currency="CHF", timezone="Europe/Zurich", effective=None,
                expires=None, monthly_fee=None, kpis={})
    return Contract(**{**base, **kw})


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _load(tmp_path: Path, **files: str):
    for name, text in files.items():
        _write(tmp_path, name, text)
    return load_dataset(tmp_path, contract=_contract(), all_columns=True)


def _problems(ds, table: str = "interactions") -> set[tuple[int, str]]:
    q = ds.quality[ds.quality["table"] == table]
    return set(zip(q["row"], q["column"]))


def test_clean_interactions_have_the_canonical_dtypes(tmp_path):
    ds = _load(tmp_path, **{"interactions.csv": HEADER + "007,Voice,2026-03-02 09:00:00,2026-03-02 09:00:20,,,300,20,no,5,9,2,8\n"})
    df = ds.tables["interactions"]
    assert df.loc[0, "interaction_id"] == "007"  # leading zeros kept, never 7 or 7.0
    assert df["interaction_id"].dtype == "string" and df.loc[0, "channel"] == "voice"
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    assert df.loc[0, "created_at"] == pd.Timestamp("2026-03-02 08:00", tz="UTC")  # CET = UTC+1
    assert df["abandoned"].dtype == "boolean" and df.loc[0, "abandoned"] == False  # noqa: E712
    assert df["csat"].dtype == "float64" and df.loc[0, "source_row"] == 2
    assert ds.quality.columns.tolist() == ["table", "row", "column", "problem", "action"] and ds.quality.empty
    assert ds.files == {"interactions": str(tmp_path / "interactions.csv")} and len(ds.hashes) == 1


def test_every_row_rule_reports_row_column_and_action(tmp_path):
    """A bad required value quarantines the row; a bad optional value clears only that cell."""
    rows = [
        "A1,voice,2026-03-02 09:00,2026-03-02 09:00:20,,,300,20,no,5,9,2,8",       # 2 clean
        "A1,voice,2026-03-02 09:00,,,,,,,,,,",                                      # 3 duplicate id
        ",voice,2026-03-02 09:00,,,,,,,,,,",                                        # 4 missing id
        "A4,voice,not a date,,,,,,,,,,",                                            # 5 unparseable created_at
        "A5,fax,2026-03-02 09:00,,,,,,,,,,",                                        # 6 unknown channel
        "A6,voice,2026-03-02 09:00,2026-03-02 08:59,,,,,,,,,",                      # 7 answered before created
        "A7,email,2026-03-02 09:00,,2026-03-02 10:00,2026-03-02 11:00,,,,,,,",     # 8 resolved before response
        "A8,voice,2026-03-02 09:00,2026-03-02 09:01,,,,,yes,,,,",                   # 9 answered and abandoned
        "A9,voice,2026-03-02 09:00,,,,-5,-1,,,,,",                                  # 10 negative durations
        "A10,voice,2026-03-02 09:00,,,,90000,,,,,,",                                # 11 handle time > 24 h
        "A11,voice,2026-03-02 09:00,,,,,,maybe,6,11,8,11",                          # 12 bad bool + 4 ranges
        "A12,voice,2026-03-02 09:00,,,,abc,,,,,,",                                  # 13 unparseable number
    ]
    ds = _load(tmp_path, **{"interactions.csv": HEADER + "\n".join(rows) + "\n"})
    assert _problems(ds) == {
        (3, "interaction_id"), (4, "interaction_id"), (5, "created_at"), (6, "channel"), (7, "answered_at"),
        (8, "resolved_at"), (9, "answered_at"), (10, "handle_time_s"), (10, "wait_s"), (11, "handle_time_s"),
        (12, "abandoned"), (12, "csat"), (12, "nps"), (12, "ces"), (12, "servqual_empathy"), (13, "handle_time_s"),
    }
    actions = ds.quality.groupby("row")["action"].agg(set).to_dict()
    assert actions == {**{r: {"quarantined"} for r in (3, 4, 5, 6)}, **{r: {"cleared"} for r in range(7, 14)}}
    df = ds.tables["interactions"]
    assert df["source_row"].tolist() == [2, 7, 8, 9, 10, 11, 12, 13]  # every contact with a good id, channel, time
    cleared = ds.cleared["interactions"]
    assert cleared.index.equals(df.index)
    for (row, column) in _problems(ds):
        if row >= 7:  # the cleared cell is missing in the clean table and marked in Dataset.cleared
            at = df.index[df["source_row"] == row][0]
            assert pd.isna(df.loc[at, column]) and cleared.loc[at, column], (row, column)
    assert int(cleared.to_numpy().sum()) == 12
    assert df.loc[0, "csat"] == 5 and df.loc[0, "handle_time_s"] == 300  # row 2 untouched
    assert df["abandoned"].dtype == "boolean" and str(df["answered_at"].dtype) == "datetime64[ns, UTC]"
    text = dict(zip(zip(ds.quality["row"], ds.quality["column"]), ds.quality["problem"]))
    assert text[(3, "interaction_id")] == "duplicate interaction_id 'A1' (first seen on row 2)"
    assert text[(5, "created_at")].startswith("created_at 'not a date' is not a readable timestamp")
    assert text[(6, "channel")].startswith("unknown channel 'fax'")
    assert text[(8, "resolved_at")] == "resolved_at 2026-03-02 10:00:00 is before first_response_at 2026-03-02 11:00:00"
    assert text[(10, "wait_s")] == "wait_s -1 is negative"
    assert text[(11, "handle_time_s")] == "handle_time_s 90000 is more than 24 h"
    assert text[(12, "csat")] == "csat 6 is outside 1-5"


def test_other_tables_checks_and_kept_warning(tmp_path):
    ds = _load(tmp_path, **{
        "qa_evaluations.csv": """
            evaluation_id,interaction_id,agent_id,evaluator_id,evaluated_at,score
            E1,A1,ag,ev,2026-03-02,90
            E1,A2,ag,ev,2026-03-02,80
            E3,A3,ag,ev,2026-03-02,101
            """,
        "qa_items.csv": """
            evaluation_id,item,points,max_points,failed
            E1,greeting,5,5,n
            E1,closing,6,5,n
            """,
        "workforce.csv": """
            interval_start,paid_hours,actual_contacts
            2026-03-02 08:00,8,100
            2026-03-02 08:30,-1,-3
            """,
        "costs.csv": """
            period,amount,currency
            2026-03,1000,CHF
            2026-03,50,EUR
            2026-03,-5,CHF
            """,
    })
    assert _problems(ds, "qa_evaluations") == {(3, "evaluation_id"), (4, "score")}
    assert _problems(ds, "qa_items") == {(3, "points")}
    assert _problems(ds, "workforce") == {(3, "paid_hours"), (3, "actual_contacts")}
    costs = ds.quality[ds.quality["table"] == "costs"].set_index("row")
    assert costs.loc[3, "action"] == "cleared" and "EUR" in costs.loc[3, "problem"]  # cannot be added to CHF
    assert costs.loc[4, "action"] == "warning" and costs.loc[4, "column"] == "amount"  # a credit note
    assert ds.tables["costs"]["amount"].fillna(-1).tolist() == [1000.0, -1, -5.0]
    actions = {t: set(ds.quality.loc[ds.quality["table"] == t, "action"]) for t in ("qa_evaluations", "qa_items", "workforce")}
    assert actions == {"qa_evaluations": {"quarantined"}, "qa_items": {"cleared"}, "workforce": {"cleared"}}
    assert ds.tables["qa_evaluations"]["evaluation_id"].tolist() == ["E1"]  # score is required: 101 quarantines
    assert ds.tables["qa_items"]["points"].isna().tolist() == [False, True]
    assert ds.tables["workforce"][["paid_hours", "actual_contacts"]].isna().to_numpy().tolist() == [[False, False], [True, True]]


def test_csv_parquet_and_excel_give_the_same_frame(tmp_path):
    text = HEADER + "1,chat,2026-03-02 09:00,2026-03-02 09:00:30,,,120.5,30,false,4,,,\n2,voice,2026-03-03 10:00,,,,,,true,,,,\n"
    csv = _write(tmp_path / "csv", "interactions.csv", text)
    raw = pd.read_csv(csv, dtype=str)
    (tmp_path / "pq").mkdir()
    raw.to_parquet(tmp_path / "pq" / "interactions.parquet")
    (tmp_path / "xl").mkdir()
    typed = raw.assign(interaction_id=[1, 2], handle_time_s=[120.5, None],
                       created_at=pd.to_datetime(raw["created_at"]))  # native Excel cells
    typed.to_excel(tmp_path / "xl" / "interactions.xlsx", index=False)
    frames = [load_dataset(tmp_path / d, contract=_contract(), all_columns=True).tables["interactions"] for d in ("csv", "pq", "xl")]
    cols = [c for c in frames[0].columns]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other[cols])
    assert frames[2]["interaction_id"].tolist() == ["1", "2"]


def test_naive_times_are_local_and_offsets_are_honoured(tmp_path):
    ds = _load(tmp_path, **{"interactions.csv": """
        interaction_id,channel,created_at
        n1,voice,2026-07-01 12:00
        o1,voice,2026-07-01T12:00:00+00:00
        z1,voice,2026-07-01T12:00:00Z
        gap,voice,2026-03-29 02:30
        overlap,voice,2026-10-25 02:30
        """})
    got = dict(zip(ds.tables["interactions"]["interaction_id"], ds.tables["interactions"]["created_at"]))
    assert got["n1"] == pd.Timestamp("2026-07-01 10:00", tz="UTC")  # CEST = UTC+2
    assert got["o1"] == got["z1"] == pd.Timestamp("2026-07-01 12:00", tz="UTC")
    assert got["gap"] == pd.Timestamp("2026-03-29 01:00", tz="UTC")  # 02:30 does not exist: shifted to 03:00
    assert got["overlap"] == pd.Timestamp("2026-10-25 00:30", tz="UTC")  # first 02:30 (summer time)


def test_missing_required_column_names_file_and_column(tmp_path):
    _write(tmp_path, "interactions.csv", "interaction_id,created_at\n1,2026-03-02\n")
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path, contract=_contract(), all_columns=True)
    (problem,) = err.value.problems
    assert problem.field == "channel" and problem.file.endswith("interactions.csv") and "--mapping" in problem.hint


@pytest.mark.parametrize("name, content", [("interactions.parquet", b"not parquet"),
                                           ("interactions.xlsx", b"PK\x03\x04 broken zip")])
def test_unreadable_file_is_a_data_error(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path, contract=_contract(), all_columns=True)
    assert err.value.problems[0].file.endswith(name) and "cannot read" in err.value.problems[0].message


def test_folder_ignores_unknown_files_and_blank_lines_keep_row_numbers(tmp_path):
    ds = _load(tmp_path, **{"interactions.csv": "interaction_id,channel,created_at\n\n2,voice,x\n3,voice,2026-03-02\n",
                            "notes.txt": "hello"})
    assert ds.ignored == ["notes.txt"]
    assert ds.quality["row"].tolist() == [2, 3]  # the blank line is spreadsheet row 2, reported as skipped
    assert ds.quality["action"].tolist()[0] == "skipped"


def test_contract_channels_are_allowed(tmp_path):
    _write(tmp_path, "interactions.csv", "interaction_id,channel,created_at\n1,Kiosk,2026-03-02\n")
    ds = load_dataset(tmp_path, contract=_contract(channels=("voice", "kiosk")), all_columns=True)
    assert ds.quality.empty and ds.tables["interactions"]["channel"].tolist() == ["kiosk"]


def test_null_markers_mean_missing_in_excel_as_in_csv(tmp_path):
    from pathlib import Path as _P
    import pandas as pd
    from scorecard.contract.loader import load_contract
    from scorecard.data import load_dataset
    contract = load_contract(_P(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml")
    frame = pd.DataFrame({"interaction_id": ["a", "b"], "channel": ["voice", "voice"],
                          "created_at": ["2026-03-02T10:00:00", "2026-03-02T11:00:00"], "csat": ["NULL", "4"]})
    (tmp_path / "csv").mkdir()
    (tmp_path / "xlsx").mkdir()
    frame.to_csv(tmp_path / "csv" / "interactions.csv", index=False)
    frame.to_excel(tmp_path / "xlsx" / "interactions.xlsx", index=False)
    from_csv = load_dataset(tmp_path / "csv", contract=contract, all_columns=True).tables["interactions"]
    from_xlsx = load_dataset(tmp_path / "xlsx", contract=contract, all_columns=True).tables["interactions"]
    assert from_csv["csat"].isna().tolist() == from_xlsx["csat"].isna().tolist() == [True, False]
