"""Amendments: an amended contract evaluated over the amendment date gives, month by month, the
figures of two separate contracts spliced by hand; amendment mistakes are located at their lines."""

from __future__ import annotations

import csv
import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.cli import main
from scorecard.contract.loader import load_contract, validate_files
from scorecard.data import load_dataset
from scorecard.demo_data import generate
from scorecard.evaluate import evaluate
from scorecard.periods import parse_period

BASE = (Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")

# From March: a higher fee, an easier AHT target, a new KPI, credit shares moved, a larger bonus pool.
AMENDMENT = """
amendments:
  - effective: 2026-03-01
    note: "Amendment 1, signed 2026-02-10"
    contract: {monthly_fee: 500000}
    kpis:
      aht: {target: "<= 8m"}
      asa_chat: {metric: average_speed_of_answer, filter: {channel: chat}, target: "<= 40s"}
    service_credits:
      allocations: {csat: 45%, qa_score: 10%}
    incentives: {bonus_pool: 4%}
"""


def _by_hand(text: str) -> str:
    """The base with the amendment's changes typed in, as a vendor manager keeping two files would."""
    edits = [("  monthly_fee: 480000", "  monthly_fee: 500000"),
             ("  aht:\n    metric: average_handle_time\n    target: \"<= 7m\"",
              "  aht:\n    metric: average_handle_time\n    target: \"<= 8m\""),
             ("    csat: 40%\n    qa_score: 15%", "    csat: 45%\n    qa_score: 10%"),
             ("  bonus_pool: 3%", "  bonus_pool: 4%"),
             ("\nkpis:\n", "\nkpis:\n  asa_chat: {metric: average_speed_of_answer, filter: {channel: chat}, "
                           "target: \"<= 40s\"}\n")]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("amendments") / "data"
    generate(out, agents=12, contacts_per_month=1500, months=MONTHS)
    return out


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _evaluate(path: Path, data: Path, months):
    contract = load_contract(path)
    return evaluate(contract, load_dataset(data, contract=contract), [parse_period(m) for m in months])


def test_amended_contract_equals_two_contracts_spliced_by_hand(data, tmp_path):
    amended = _evaluate(_write(tmp_path, "amended.yaml", BASE + AMENDMENT), data, MONTHS)
    before = _evaluate(_write(tmp_path, "base.yaml", BASE), data, MONTHS[:2])
    after = _evaluate(_write(tmp_path, "after.yaml", _by_hand(BASE)), data, MONTHS[2:])

    keys = ["period", "kpi", "value", "target", "minimum", "status"]
    vendor = lambda ev: ev.results[ev.results["grain"] == "vendor"][keys].reset_index(drop=True)  # noqa: E731
    spliced = pd.concat([vendor(before), vendor(after)], ignore_index=True)
    assert vendor(amended).sort_values(["period", "kpi"]).reset_index(drop=True).equals(
        spliced.sort_values(["period", "kpi"]).reset_index(drop=True))
    march = vendor(amended).query("period == '2026-03'").set_index("kpi")
    assert march.loc["aht", "target"] == "<= 8m" and "asa_chat" in march.index
    assert "asa_chat" not in set(vendor(amended).query("period == '2026-02'")["kpi"])

    columns = ["period", "kpi", "value", "minimum", "missed", "allocation", "credit", "earned_back",
               "chronic_failure", "paid", "explanation"]
    hand = pd.concat([before.credits[columns], after.credits[columns]], ignore_index=True)
    assert amended.credits[columns].equals(hand)
    assert list(amended.credits.drop_duplicates("period")["contract_version"]) == [
        "base", "base", "amended 2026-03-01", "amended 2026-03-01"]
    assert set(amended.credits.query("period == '2026-03' and kpi == 'csat'")["allocation"]) == {0.45}

    overall = ["period", "score", "bonus"]
    assert amended.overall[amended.overall["period"].isin(MONTHS)][overall].reset_index(drop=True).equals(
        pd.concat([before.overall[before.overall["period"].isin(MONTHS[:2])][overall],
                   after.overall[after.overall["period"].isin(MONTHS[2:])][overall]], ignore_index=True))
    assert [(u.label, u.months) for u in amended.versions] == [
        ("base", ["2026-01", "2026-02"]), ("amended 2026-03-01", ["2026-03", "2026-04"])]


def test_an_amendment_mistake_is_located_at_its_line(tmp_path):
    text = BASE + AMENDMENT.replace('aht: {target: "<= 8m"}', 'aht: {target: "<= 8 minutes"}').replace(
        "asa_chat: {metric: average_speed_of_answer,", "asa_chat: {metrc: average_speed_of_answer,")
    path = _write(tmp_path, "bad.yaml", text)
    lines = text.splitlines()
    problems = validate_files([path])
    at = {p.field: p for p in problems}
    target = at["amendments[0].kpis.aht.target"]
    assert "8 minutes" in lines[target.line - 1] and "as amended from 2026-03-01" in target.message
    unknown = at["amendments[0].kpis.asa_chat.metrc"]
    assert "metrc" in lines[unknown.line - 1] and 'did you mean "metric"' in unknown.message


@pytest.mark.parametrize(("entry", "field", "words"), [
    ("- {effective: 2026-03-01, note: x, kpis: {ahtt: removed}}", "amendments[0].kpis.ahtt", 'did you mean "aht"'),
    ("- {effective: 2025-12-01, note: x, incentives: {bonus_pool: 4%}}", "amendments[0].effective",
     "not after the contract"),
    ("- {effective: 2026-03-01, note: x}", "amendments[0]", "changes nothing"),
    ("- {effective: 2026-03-01, note: x, roles: {}}", "amendments[0].roles", "unknown field 'roles'"),
    ("- {effective: 2026-03-01, note: x, contract: {currency: USD}}", "amendments[0].contract.currency",
     "unknown field 'currency'"),
    ("- {effective: 2026-03-02, note: x, incentives: {bonus_pool: 4%}}\n"
     "  - {effective: 2026-03-20, note: y, incentives: {bonus_pool: 5%}}", "amendments[1].effective",
     "two amendments apply from 2026-04"),
])
def test_amendment_shape_mistakes(tmp_path, entry, field, words):
    problems = validate_files([_write(tmp_path, "c.yaml", BASE + "\namendments:\n  " + entry + "\n")])
    assert any(p.field == field and words in p.message for p in problems), problems


def test_a_mid_month_date_applies_from_the_next_month(tmp_path):
    text = BASE + "\namendments:\n  - {effective: 2026-03-15, note: x, kpis: {aht: {target: '<= 8m'}}}\n"
    contract = load_contract(_write(tmp_path, "c.yaml", text))
    assert contract.in_force("2026-03").kpis["aht"].target.text == "<= 7m"
    assert contract.in_force("2026-04").kpis["aht"].target.text == "<= 8m"


def test_a_removed_kpi_leaves_its_credit_weight_and_roles(data, tmp_path):
    text = BASE + "\namendments:\n  - {effective: 2026-03-01, note: x, kpis: {csat: removed}}\n"
    path = _write(tmp_path, "c.yaml", text)
    contract = load_contract(path)
    march = contract.in_force("2026-03")
    assert "csat" not in march.kpis and "csat" not in march.service_credits.allocations
    assert "csat" not in march.scoring.weights and all("csat" not in r.kpis for r in march.roles.values())
    ev = _evaluate(path, data, MONTHS[1:3])
    kpis = ev.results.groupby("period")["kpi"].apply(set)
    assert "csat" in kpis["2026-02"] and "csat" not in kpis["2026-03"]
    assert "csat" not in set(ev.credits.query("period == '2026-03'")["kpi"])


def test_transition_softer_targets_apply_before_until(tmp_path):
    text = BASE.replace("  earn_back:", "  transition:\n    until: 2026-03-01\n    kpis:\n"
                                        "      csat: {target: \">= 80%\", minimum: \">= 60%\"}\n  earn_back:")
    contract = load_contract(_write(tmp_path, "c.yaml", text))
    assert contract.in_force("2026-02").kpis["csat"].minimum.text == ">= 60%"
    assert contract.in_force("2026-03").kpis["csat"].minimum.text == ">= 78%"
    assert contract.version_of("2026-02").label == "base, transition"


# Amendments in any file order give the same versions; the months before the first one are the base.
_CANDIDATES = [
    "{effective: 2026-03-01, note: a, kpis: {aht: {target: '<= 6m'}}}",
    "{effective: 2026-05-01, note: b, kpis: {aht: {target: '<= 5m'}, fcr: {minimum: '>= 70%'}}}",
    "{effective: 2026-07-01, note: c, contract: {monthly_fee: 520000}, kpis: {nps: removed}}",
]


@settings(max_examples=12, deadline=None)
@given(st.permutations(range(len(_CANDIDATES))), st.integers(1, len(_CANDIDATES)))
def test_amendments_apply_in_date_order_whatever_the_file_order(tmp_path_factory, order, count):
    chosen = sorted(order[:count])
    folder = tmp_path_factory.mktemp("order")
    written = [_CANDIDATES[i] for i in order[:count]]
    amended = load_contract(_write(folder, "c.yaml", BASE + "\namendments:\n" + "".join(
        f"  - {e}\n" for e in written)))
    in_order = load_contract(_write(folder, "d.yaml", BASE + "\namendments:\n" + "".join(
        f"  - {_CANDIDATES[i]}\n" for i in chosen)))
    plain = lambda c: dataclasses.replace(c, versions=(), path="", version_hash="")  # noqa: E731
    for month in ("2026-02", "2026-03", "2026-06", "2026-08"):
        assert plain(amended.in_force(month)) == plain(in_order.in_force(month))
    base = load_contract(_write(folder, "base.yaml", BASE))
    assert plain(amended.in_force("2026-02")) == plain(base)
    assert len(amended.versions) == count + 1


def test_cli_validate_and_evaluate_an_amended_contract(data, tmp_path, capsys):
    path = _write(tmp_path, "amended.yaml", BASE + AMENDMENT)
    assert main(["validate", str(path)]) == 0
    out = tmp_path / "out"
    assert main(["evaluate", str(path), "--data", str(data), "--from", "2026-02", "--to", "2026-03",
                 "--out", str(out), "-q"]) == 0
    with (out / "credits.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["period"], r["contract_version"]) for r in rows} == {
        ("2026-02", "base"), ("2026-03", "amended 2026-03-01")}
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["contract_versions"] == [
        {"version": "base", "effective": "2026-01-01", "note": "", "months": ["2026-02"]},
        {"version": "amended 2026-03-01", "effective": "2026-03-01", "note": "Amendment 1, signed 2026-02-10",
         "months": ["2026-03"]}]
    bad = _write(tmp_path, "bad.yaml", BASE + AMENDMENT.replace("monthly_fee: 500000", "monthly_fee: lots"))
    assert main(["validate", str(bad)]) == 2
    line = next(i for i, text in enumerate(bad.read_text().splitlines(), 1) if "lots" in text)
    assert f"{bad}:{line}:" in capsys.readouterr().err


def test_validate_warns_that_a_mid_month_date_applies_from_the_next_month(tmp_path, capsys):
    text = BASE + "\namendments:\n  - {effective: 2026-03-15, note: x, kpis: {aht: {target: '<= 8m'}}}\n"
    path = _write(tmp_path, "c.yaml", text)
    assert main(["validate", str(path)]) == 0
    line = len(text.splitlines())
    err = capsys.readouterr().err
    assert f"warning: {path}:{line}:" in err and "applies from 2026-04" in err and "2026-04-01" in err


def test_the_deck_says_which_version_priced_each_month(data, tmp_path):
    from pptx import Presentation

    path = _write(tmp_path, "amended.yaml", BASE + AMENDMENT)
    assert main(["run", str(path), "--data", str(data), "--period", "2026-Q1", "--out", str(tmp_path / "o"),
                 "-q"]) == 0
    texts = [" | ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
             for slide in Presentation(str(tmp_path / "o" / "deck.pptx")).slides]
    credits = next(t for t in texts if t.startswith("Service credits"))
    assert "Contract version base: Jan 2026, Feb 2026" in credits
    assert "Contract version amended 2026-03-01: Mar 2026" in credits


def test_a_quarter_across_an_amendment_is_said(data, tmp_path, capsys):
    path = _write(tmp_path, "amended.yaml", BASE + AMENDMENT)
    assert main(["evaluate", str(path), "--data", str(data), "--period", "2026-Q1", "--out", str(tmp_path / "o"),
                 "-q"]) == 0
    assert ("note: 2026-Q1 spans contract versions base, amended 2026-03-01: its KPI rows are judged with its "
            "last month's version (amended 2026-03-01)") in capsys.readouterr().err


def test_an_earn_back_across_an_amendment_returns_what_was_paid(data, tmp_path):
    """Feb's calibration credit (15 % of 12 % of 480,000 EUR = 8,640 EUR) is returned in March, under
    the amended fee of 500,000 EUR: 8,640 EUR come back, not 9,000 (its price under the new terms)."""
    text = BASE.replace("    after: 3 months ", "    after: 1 month ") + AMENDMENT
    ev = _evaluate(_write(tmp_path, "c.yaml", text), data, MONTHS[1:3])
    rows = ev.credits.set_index(["period", "kpi"])
    assert rows.loc[("2026-02", "qa_calibration"), "paid"] == Decimal("8640.00")
    assert rows.loc[("2026-03", "qa_calibration"), "earned_back"] == Decimal("8640.00")
    assert rows.loc[("2026-03", "TOTAL"), "earned_back"] == Decimal("8640.00")
    assert "8,640 EUR" in rows.loc[("2026-03", "qa_calibration"), "explanation"]


def test_every_mistake_of_an_amendment_in_one_run(tmp_path):
    text = BASE + AMENDMENT.replace('aht: {target: "<= 8m"}', "aht: remove").replace(
        "monthly_fee: 500000}", "monthly_fee: 500000, currency: USD}").replace('target: "<= 40s"', 'target: "<= 40"')
    fields = {p.field for p in validate_files([_write(tmp_path, "c.yaml", text)])}
    assert fields == {"amendments[0].kpis.aht", "amendments[0].contract.currency",
                      "amendments[0].kpis.asa_chat.target"}


def test_transition_targets_name_the_contracts_kpis(tmp_path):
    text = BASE.replace("  earn_back:", "  transition:\n    until: 2026-03-01\n    kpis:\n"
                                        "      cast: {minimum: \">= 60%\"}\n"
                                        "      csat: {minimum: \">= 6O%\", metric: csat}\n  earn_back:")
    problems = {p.field: p.message for p in validate_files([_write(tmp_path, "c.yaml", text)])}
    assert 'did you mean "csat"' in problems["service_credits.transition.kpis.cast"]
    assert "unknown field 'metric'" in problems["service_credits.transition.kpis.csat.metric"]
    assert "during the transition" in problems["service_credits.transition.kpis.csat.minimum"]
