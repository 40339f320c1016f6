"""Column mappings (YAML), their line-numbered validation, and the shipped presets on the real files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from scorecard.contract.model import Contract
from scorecard.data import load_dataset
from scorecard.data.mapping import load_mapping, preset_names
from scorecard.errors import ContractError, DataError

DATASETS = Path(__file__).resolve().parents[1] / "examples" / "data"
PWC = DATASETS / "pwc-call-center"
TICKETS = DATASETS / "support-tickets" / "customer_support_tickets.csv"
CONTRACT = Contract(id="t", client="c", vendor="v", currency="CHF", timezone="Europe/Zurich", effective=None,
                    expires=None, monthly_fee=None, kpis={})


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_mapping_renames_combines_inverts_maps_and_derives(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "Ref;Day;Clock;Wait;Talk;Answered;Media;Status\n"
        "001;02/03/2026;9.12.58;20;0.02.23;Y;Mail;Done\n"
        "002;02/03/2026;23:59;;;N;Phone;Open\n", encoding="utf-8")
    mapping = _yaml(tmp_path, """
        summary: test export
        tables:
          interactions:
            columns:
              interaction_id: Ref
              created_at: {date: Day, time: Clock, format: "%d/%m/%Y"}
              wait_s: Wait
              handle_time_s: {from: Talk, format: "h.mm.ss"}
              abandoned: {from: Answered, invert: true}
              answered_at: {derive: created_at + wait_s}
              channel: {from: Media, map: {mail: email, PHONE: voice}}
              resolved: {from: Status, map: {Done: true, Open: false}}
              vendor: {value: Nordlys}
        """)
    ds = load_dataset(export, contract=CONTRACT, mapping=mapping, all_columns=True)
    df = ds.tables["interactions"]
    assert ds.quality.empty
    assert df["interaction_id"].tolist() == ["001", "002"]
    assert df["created_at"].tolist() == [pd.Timestamp("2026-03-02 08:12:58", tz="UTC"),
                                         pd.Timestamp("2026-03-02 22:59", tz="UTC")]
    assert df["handle_time_s"].iloc[0] == 143.0 and pd.isna(df["handle_time_s"].iloc[1])
    assert df["abandoned"].tolist() == [False, True]
    assert df["answered_at"].iloc[0] == pd.Timestamp("2026-03-02 08:13:18", tz="UTC")
    assert pd.isna(df["answered_at"].iloc[1])
    assert df["channel"].tolist() == ["email", "voice"] and df["resolved"].tolist() == [True, False]
    assert df["vendor"].tolist() == ["Nordlys", "Nordlys"]
    assert "Ref" not in df and "Status" not in df  # consumed columns are replaced by canonical ones


def test_bad_mapping_lists_every_problem_with_its_line(tmp_path):
    path = _yaml(tmp_path, """
        summary: broken
        tables:
          interactions:
            columns:
              interaction_id: Ref
              handle_time: AHT
              created_at: {from: When, format: "dd-mm-yy"}
              wait_s: {from: W, value: 3}
          calls: {}
        """)
    with pytest.raises(ContractError) as err:
        load_mapping(path)
    got = {(p.line, p.field) for p in err.value.problems}
    assert got == {(6, "tables.interactions.columns.handle_time"),
                   (7, "tables.interactions.columns.created_at.format"),
                   (8, "tables.interactions.columns.wait_s"),
                   (9, "tables.calls")}
    assert "did you mean 'handle_time_s'?" in [p.hint for p in err.value.problems if p.line == 6][0]
    assert str(err.value.problems[0]).startswith(f"{path}:6:7: tables.interactions.columns.handle_time:")


def test_invalid_yaml_is_located(tmp_path):
    path = _yaml(tmp_path, "tables:\n  interactions: [\n")
    with pytest.raises(ContractError) as err:
        load_mapping(path)
    assert err.value.problems[0].line is not None


def test_mapping_naming_an_absent_column_is_a_data_error(tmp_path):
    export = tmp_path / "x.csv"
    export.write_text("id,channel,created_at\n1,voice,2026-03-02\n", encoding="utf-8")
    mapping = _yaml(tmp_path, "tables:\n  interactions:\n    columns:\n      interaction_id: Call Id\n")
    with pytest.raises(DataError) as err:
        load_dataset(export, contract=CONTRACT, mapping=mapping, all_columns=True)
    assert {(p.field, p.file) for p in err.value.problems} == {("interaction_id", str(export))}


def test_unknown_mapping_name_is_reported():
    with pytest.raises(ContractError) as err:
        load_dataset(TICKETS, contract=CONTRACT, mapping="no-such-preset", all_columns=True)
    assert "pwc-call-center" in err.value.problems[0].hint


def test_presets_are_listed():
    assert set(preset_names()) == {"pwc-call-center", "support-tickets"}


@pytest.mark.parametrize("name", ["call-center.csv", "call-center.xlsx"])
def test_pwc_preset_reads_both_exports(name):
    ds = load_dataset(PWC / name, contract=CONTRACT, mapping="pwc-call-center", all_columns=True)
    df = ds.tables["interactions"]
    assert ds.quality.empty and len(df) == 5000
    assert (~df["abandoned"]).sum() == 4054  # calls answered (Answered (Y/N) = Y)
    first = df.iloc[0]  # ID0001, Diane, 2021-01-01 9:12:58, speed 109 s, talk 0:02:23, rating 3
    assert (first["interaction_id"], first["agent_id"], first["channel"]) == ("ID0001", "Diane", "voice")
    assert first["created_at"] == pd.Timestamp("2021-01-01 08:12:58", tz="UTC")
    assert first["answered_at"] == pd.Timestamp("2021-01-01 08:14:47", tz="UTC")
    assert (first["handle_time_s"], first["wait_s"], first["csat"]) == (143.0, 109.0, 3.0)
    assert df["resolved"].sum() == 3646


def test_pwc_csv_and_xlsx_give_the_same_frame():
    a, b = (load_dataset(PWC / n, contract=CONTRACT, mapping="pwc-call-center", all_columns=True).tables["interactions"]
            for n in ("call-center.csv", "call-center.xlsx"))
    pd.testing.assert_frame_equal(a, b)


def test_support_tickets_preset_reports_impossible_orders():
    ds = load_dataset(TICKETS, contract=CONTRACT, mapping="support-tickets", all_columns=True)
    q = ds.quality
    orders = q[q["problem"].str.contains("is before first_response_at")]
    assert len(orders) == 1365 and set(orders["column"]) == {"resolved_at"}
    assert (orders["action"] == "cleared").all()  # resolved_at is optional: the ticket stays, its resolution goes
    # ticket 4 (spreadsheet row 5): first response 01-06-23 7:29, resolution 01-06-23 1:57
    assert orders.iloc[0]["row"] == 5
    assert orders.iloc[0]["problem"] == "resolved_at 2023-06-01 01:57:00 is before first_response_at 2023-06-01 07:29:00"
    open_tickets = q[q["column"] == "created_at"]
    assert len(open_tickets) == 2819  # open tickets have no timestamp at all
    df = ds.tables["interactions"]
    assert len(df) == 8469 - 2819 and int(ds.cleared["interactions"]["resolved_at"].sum()) == 1365
    assert (df["resolved_at"].isna() | (df["resolved_at"] >= df["first_response_at"])).all()
    assert set(df["channel"]) == {"email", "chat", "social", "voice"}


def test_mapping_finds_tables_of_a_folder_by_pattern(tmp_path):
    (tmp_path / "calls-2026-03.csv").write_text("Ref,created_at\n1,2026-03-02 10:00\n", encoding="utf-8")
    (tmp_path / "invoice.csv").write_text("Month,Total\n2026-03,1200\n2026-3,5\n", encoding="utf-8")
    mapping = _yaml(tmp_path, """
        tables:
          interactions:
            file: "calls-*.csv"
            columns: {interaction_id: Ref, channel: {value: Chat}}
          costs:
            file: invoice.csv
            columns: {period: Month, amount: Total, currency: {value: CHF}}
        """)
    ds = load_dataset(tmp_path, contract=CONTRACT, mapping=mapping, all_columns=True)
    assert ds.tables["interactions"]["channel"].tolist() == ["chat"]
    assert ds.tables["costs"]["period"].tolist() == ["2026-03"]
    assert ds.quality[["table", "row", "column"]].values.tolist() == [["costs", 3, "period"]]
    assert ds.ignored == ["map.yaml"]
