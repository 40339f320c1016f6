"""Guardrails (`kpis.ID.guardrails`): a speed KPI met while a quality KPI is red is amber, not green."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from scorecard.cli import main
from scorecard.scoring import score_results
from test_scoring import make_contract, raw_frame


def _guarded():
    contract = make_contract()
    kpis = dict(contract.kpis)
    kpis["aht"] = replace(kpis["aht"], guardrails=("fcr", "qa"))
    return replace(contract, kpis=kpis)


def _status(scored: pd.DataFrame, period: str, kpi: str, entity: str = "Nordlys") -> tuple[str, str]:
    row = scored[(scored["period"] == period) & (scored["kpi"] == kpi) & (scored["entity"] == entity)].iloc[0]
    return row["status"], row["guardrail"]


def test_met_speed_kpi_with_a_red_guardrail_is_amber_and_says_which():
    raw = raw_frame([
        ("2026-01", "aht", "vendor", "Nordlys", 360.0, 1000),  # 6 min: met
        ("2026-01", "fcr", "vendor", "Nordlys", 0.60, 1000),   # target 75 %, no minimum: red
        ("2026-01", "qa", "vendor", "Nordlys", 79.0, 100),     # minimum 80: red
        ("2026-02", "aht", "vendor", "Nordlys", 360.0, 1000),
        ("2026-02", "fcr", "vendor", "Nordlys", 0.80, 1000),   # green
        ("2026-02", "qa", "vendor", "Nordlys", 82.0, 100),     # amber: holds its minimum
        ("2026-03", "aht", "vendor", "Nordlys", 600.0, 1000),  # 10 min: red whatever the guardrails
        ("2026-03", "fcr", "vendor", "Nordlys", 0.60, 1000),
    ])
    scored = score_results(raw, _guarded())
    assert _status(scored, "2026-01", "aht") == ("amber", "fcr, qa")
    assert _status(scored, "2026-02", "aht") == ("green", "")
    assert _status(scored, "2026-03", "aht") == ("red", "")
    assert _status(scored, "2026-01", "fcr") == ("red", "")
    # points are the value's, not the status's
    assert scored.loc[(scored["period"] == "2026-01") & (scored["kpi"] == "aht"), "points"].iloc[0] == 100.0


def test_guardrails_apply_per_entity():
    raw = raw_frame([
        ("2026-01", "aht", "agent_id", "a1", 360.0, 100),
        ("2026-01", "aht", "agent_id", "a2", 360.0, 100),
        ("2026-01", "fcr", "agent_id", "a1", 0.50, 100),
        ("2026-01", "fcr", "agent_id", "a2", 0.90, 100),
    ])
    scored = score_results(raw, _guarded())
    assert _status(scored, "2026-01", "aht", "a1") == ("amber", "fcr")
    assert _status(scored, "2026-01", "aht", "a2") == ("green", "")


def test_no_guardrails_changes_nothing():
    raw = raw_frame([("2026-01", "aht", "vendor", "Nordlys", 360.0, 1000),
                     ("2026-01", "fcr", "vendor", "Nordlys", 0.60, 1000)])
    assert _status(score_results(raw, make_contract()), "2026-01", "aht") == ("green", "")


def _contract_with(tmp_path: Path, guardrails: str) -> Path:
    text = Path("contracts/acme-travel-nordlys.yaml").read_text(encoding="utf-8")
    anchor = "  aht:\n"
    assert anchor in text
    path = tmp_path / "c.yaml"
    path.write_text(text.replace(anchor, anchor + f"    guardrails: {guardrails}\n", 1), encoding="utf-8")
    return path


def test_contract_guardrails_validate(tmp_path, capsys):
    assert main(["validate", str(_contract_with(tmp_path, "[fcr, csat]"))]) == 0


def test_unknown_or_self_guardrail_is_located(tmp_path, capsys):
    assert main(["validate", str(_contract_with(tmp_path, "[fcrr, aht]"))]) == 2
    err = capsys.readouterr().err
    assert 'guardrail "fcrr" is not a KPI of this contract' in err and "did you mean" in err.lower()
    assert "KPI aht cannot be its own guardrail" in err
    assert "kpis.aht.guardrails" in err or "guardrails" in err


def _with_governance(tmp_path: Path, lines: str) -> Path:
    text = Path("contracts/acme-travel-nordlys.yaml").read_text(encoding="utf-8")
    path = tmp_path / "g.yaml"
    path.write_text(text.replace("governance:\n", "governance:\n" + lines, 1), encoding="utf-8")
    return path


def test_integrity_thresholds_and_benchmarks_from_the_contract(tmp_path):
    from scorecard.contract.loader import load_contract
    from scorecard.integrity.compute import thresholds

    (tmp_path / "bench.yaml").write_text("benchmarks:\n  - metric: average_handle_time\n    value: 6m\n"
                                         "    source: Our 2025 survey\n    year: 2025\n", encoding="utf-8")
    contract = load_contract(_with_governance(
        tmp_path, "  integrity: {short_contact: 30s, speed_gain: 15%, min_contacts: 20}\n  benchmarks: bench.yaml\n"))
    t = thresholds(contract)
    assert (t.short_contact, t.speed_gain, t.min_contacts, t.baseline_months) == (30.0, 0.15, 20, 3)
    from scorecard.benchmarks import benchmark_of, benchmarks_for

    table = benchmarks_for(contract.path, contract.governance.benchmarks)
    assert benchmark_of(table, "average_handle_time", "voice").cited() == "6m (Our 2025 survey, 2025)"
    assert benchmark_of(table, "first_response_time", "chat").cited() == "48s (Zendesk Benchmark)"


def test_bad_integrity_and_benchmarks_are_located(tmp_path, capsys):
    (tmp_path / "bench.yaml").write_text("benchmarks:\n  - metric: first_contact_resolutoin\n    value: 70%\n"
                                         "    source: X\n", encoding="utf-8")
    path = _with_governance(tmp_path, "  integrity: {short_contacts: 30s, speed_gain: 15}\n  benchmarks: bench.yaml\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "short_contacts" in err and "governance.integrity.speed_gain" in err
    assert "bench.yaml:2:" in err and "first_contact_resolution" in err


def test_a_negative_integrity_threshold_is_refused_where_it_is_written(tmp_path, capsys):
    """baseline_months: -1 reached the rules' sliding windows (a numpy ValueError, exit 1)."""
    path = _with_governance(tmp_path, "  integrity: {baseline_months: -1, sensitivity: -2, min_contacts: 0}\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "governance.integrity.baseline_months: -1 is out of range: it must be >= 0" in err
    assert "governance.integrity.sensitivity: -2 is out of range" in err and "min_contacts" not in err
    assert "docs/integrity.md" in err and "2 problem(s)" in err
