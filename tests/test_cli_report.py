"""The CLI reports: the console summary after evaluate, -q, -v timings, --debug tracebacks,
`catalog METRIC`."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard import cli
from scorecard.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = str(ROOT / "contracts" / "acme-travel-nordlys.yaml")


def test_evaluate_prints_score_red_kpis_credits_quality_and_where(small_demo, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["evaluate", CONTRACT, "--data", str(small_demo), "--out", str(out), "--period", "2026-03"]) == 0
    lines = capsys.readouterr().out.splitlines()
    head = next(line for line in lines if line.startswith("2026-03: overall score "))
    assert "/ 100; service credits €" in head
    credits = (out / "credits.csv").read_text(encoding="utf-8").splitlines()
    total = next(line for line in credits if line.startswith("2026-03,TOTAL,"))
    paid = float(total.split(",")[credits[0].split(",").index("paid")])
    assert head.endswith(f"service credits €{paid:,.2f}")  # the month's TOTAL, each credit counted once
    red = [line for line in lines if line.startswith("  red: ")]
    assert red and all("(minimum " in line or "(target " in line for line in red)
    assert any(line.startswith("data quality: ") for line in lines)
    assert lines[-1] == f"files in {out}: results.xlsx for Excel, results.csv and results.json for tools"
    assert f"wrote {out / 'results.xlsx'}" in lines
    assert "contract version" not in "\n".join(lines)  # a contract without amendments


def test_an_amended_contract_says_the_version_in_force_each_period(small_demo, tmp_path, capsys):
    contract = tmp_path / "amended.yaml"
    contract.write_text(Path(CONTRACT).read_text(encoding="utf-8") + "\namendments:\n  - effective: 2026-03-01\n"
                        "    note: Amendment 1\n    kpis: {aht: {target: \"<= 8m\"}}\n", encoding="utf-8")
    assert main(["evaluate", str(contract), "--data", str(small_demo), "--out", str(tmp_path / "o"),
                 "--from", "2026-02", "--to", "2026-03"]) == 0
    heads = [line for line in capsys.readouterr().out.splitlines() if line.startswith("2026-0")]
    assert [line.split("; ")[-1] for line in heads] == ["contract version: base",
                                                      "contract version: amended 2026-03-01"]


def test_quiet_prints_nothing_and_verbose_times_each_stage(small_demo, tmp_path, capsys):
    args = [CONTRACT, "--data", str(small_demo), "--period", "2026-03"]
    assert main(["-q", "evaluate", *args, "--out", str(tmp_path / "a")]) == 0
    assert capsys.readouterr().out == ""
    assert main(["evaluate", *args, "--out", str(tmp_path / "b"), "-v"]) == 0
    err = capsys.readouterr().err
    for stage in ("reading the contract and the data", "KPIs and scoring", "writing the result files"):
        assert f"{stage}" in err
    assert err.count(" s\n") >= 3  # a time per stage


def test_no_progress_when_stderr_is_not_a_terminal(small_demo, tmp_path, capsys):
    assert main(["evaluate", CONTRACT, "--data", str(small_demo), "--period", "2026-03",
                 "--out", str(tmp_path / "o")]) == 0
    assert "KPIs and scoring" not in capsys.readouterr().err


@pytest.mark.parametrize("switch", [["--debug"], []])
def test_debug_shows_the_traceback_of_an_internal_error(monkeypatch, capsys, switch):
    def broken(args):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(cli.COMMANDS, "presets", broken)
    monkeypatch.delenv("SCORECARD_DEBUG", raising=False)
    assert main([*switch, "presets"]) == 1
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError: boom" in err
    assert ("Traceback" in err) == bool(switch)
    monkeypatch.setenv("SCORECARD_DEBUG", "1")
    assert main(["presets"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_catalog_metric_shows_parameters_defaults_unit_and_formula(capsys):
    assert main(["catalog", "service_level"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "service_level (SL): Service level"
    assert "  unit: rate; direction: higher" in out
    assert "    threshold: duration (default: 20s)" in out
    assert "  formula: answered within the threshold / (offered - short abandons)" in out  # words, not columns
    assert main(["catalog", "service_level", "--lang", "fr"]) == 0
    assert "Niveau de service" in capsys.readouterr().out


def test_catalog_unknown_metric_suggests_the_nearest(capsys):
    assert main(["catalog", "servce_level"]) == 2
    assert "did you mean service_level" in capsys.readouterr().err


def test_completion_script_knows_the_options(capsys):
    pytest.importorskip("shtab")
    assert main(["completion", "bash"]) == 0
    assert "--csv-dialect" in capsys.readouterr().out


def test_completion_without_shtab_says_what_to_install(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "shtab", None)
    assert main(["completion", "zsh"]) == 2
    assert "pip install" in capsys.readouterr().err
