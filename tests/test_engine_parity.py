"""The DuckDB engine against the pandas engine, cell for cell, on whole data sets: the demo under
every shipped contract that reads it, and both real exports, at every grain and for months,
quarters and years (counts, flags and notes exact, values within 1e-12 relative)."""

from pathlib import Path

import pytest

from kpi_helpers import assert_same_results
from scorecard.breakdowns import _reason_kpis
from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.contract.model import GRAINS
from scorecard.data import load_dataset
from scorecard.evaluate import data_months
from scorecard.kpis.engine import Engine
from scorecard.kpis.inputs import InputFacts
from scorecard.kpis.sqlengine import SqlEngine
from scorecard.periods import months_between, parse_period

ROOT = Path(__file__).resolve().parents[1]
PWC = ROOT / "examples" / "data" / "pwc-call-center" / "call-center.csv"
TICKETS = ROOT / "examples" / "data" / "support-tickets" / "customer_support_tickets.csv"


def _both_engines(contract_name: str, data: Path, mapping: str | None = None, kpis=None):
    """Raw results of the pandas and DuckDB engines: the contract's KPIs, or `kpis(contract)`."""
    contract = load_contract(ROOT / "contracts" / f"{contract_name}.yaml")
    dataset = load_dataset(data, contract=contract, mapping=mapping)
    first, last = data_months(dataset, contract)
    months = months_between(first, last)
    periods = [parse_period(m) for m in months] + [parse_period(f"{last[:4]}-Q{(int(last[5:]) - 1) // 3 + 1}"),
                                                   parse_period(last[:4])]
    facts = InputFacts(cleared=dataset.cleared, constants=dataset.constants)
    asked = None if kpis is None else kpis(contract)
    reference = Engine(contract, dataset.tables, periods, GRAINS, facts).run(asked)
    results = SqlEngine(contract, dataset.tables, periods, GRAINS, facts).run(asked)
    return reference, results


@pytest.mark.parametrize("contract_name", ["acme-travel-nordlys", "globex-email-chat", "inhouse-support"])
def test_demo_data_is_the_same_on_both_engines(small_demo, contract_name):
    reference, results = _both_engines(contract_name, small_demo)
    assert_same_results(reference, results)
    assert (results["n"] > 0).sum() > 100  # a real comparison, not of empty frames


@pytest.mark.parametrize("contract_name, data, mapping", [
    ("pwc-call-center", PWC, "pwc-call-center"), ("support-tickets", TICKETS, "support-tickets")])
def test_real_exports_are_the_same_on_both_engines(contract_name, data, mapping):
    reference, results = _both_engines(contract_name, data, mapping)
    assert_same_results(reference, results)
    assert results["value"].notna().sum() > 20


@pytest.mark.parametrize("contract_name, data, mapping, measured", [
    ("pwc-call-center", PWC, "pwc-call-center", {"contacts"}),  # no customer ids, no DSAT clause
    ("support-tickets", TICKETS, "support-tickets", {"contacts", "dsat", "repeat_rate"})])
def test_the_contact_reasons_section_is_the_same_on_both_engines(contract_name, data, mapping, measured):
    """Its KPIs are not the contract's (a repeat rate on a ticket desk without one, for instance)."""
    reference, results = _both_engines(contract_name, data, mapping, lambda c: list(_reason_kpis(c).values()))
    assert_same_results(reference, results)
    assert set(results.loc[results["n"] > 0, "kpi"]) >= measured


def test_results_csv_is_byte_identical_whichever_engine(small_demo, tmp_path):
    contract = str(ROOT / "contracts" / "acme-travel-nordlys.yaml")
    for engine in ("duckdb", "pandas"):
        assert main(["evaluate", contract, "--data", str(small_demo), "--period", "2026-Q1",
                     "--grain", "agent_id", "--engine", engine, "--out", str(tmp_path / engine)]) == 0
    for name in ("results.csv", "credits.csv"):
        assert (tmp_path / "duckdb" / name).read_bytes() == (tmp_path / "pandas" / name).read_bytes()


def test_an_unknown_engine_is_a_usage_error_naming_the_choices(small_demo, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", str(ROOT / "contracts" / "acme-travel-nordlys.yaml"), "--data", str(small_demo),
              "--engine", "polars"])
    assert exit_.value.code == 2
    assert "duckdb" in capsys.readouterr().err


def test_the_queries_render_for_spark_with_exact_quantiles(small_demo):
    from scorecard.kpis.sql import compile_kpis, compiles, prepare_tables

    contract = load_contract(ROOT / "contracts" / "acme-travel-nordlys.yaml")
    dataset = load_dataset(small_demo, contract=contract)
    labels = {"2026-03": ["2026-03"], "2026-Q1": ["2026-01", "2026-02", "2026-03"]}
    prepared = prepare_tables(contract, dataset.tables, labels)
    queries, _ = compile_kpis(contract, [k for k in contract.kpis.values() if compiles(k)], ["agent_id"], prepared,
                              dataset.tables, labels)
    assert len(queries) < len([k for q in queries for k in q.kpis])  # KPIs batched by relation
    spark = [q.anchors_sql("spark") or q.sql("spark") for q in queries]  # the grouped rows
    assert all("GROUPING SETS" in text for text in spark)
    # exact quantiles interpolated from each group's discrete percentile and its neighbours
    # (compile._with_quantiles), never an interpolating built-in
    assert any("PERCENTILE_DISC(" in text for text in spark)
    texts = spark + [q.sql(d) for q in queries for d in ("spark", "duckdb")] + [
        q.anchors_sql("duckdb") or "" for q in queries]
    assert not any(word in text for text in texts for word in ("PERCENTILE(", "PERCENTILE_CONT", "APPROX",
                                                                "QUANTILE_CONT", "LIST("))
    assert any("QUANTILE_DISC(" in (q.anchors_sql("duckdb") or "") for q in queries)
