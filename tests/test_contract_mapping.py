"""`scorecard validate CONTRACT --mapping M`: the mapping's own problems (exit 2, located), then
warnings (exit 0) for KPI inputs it leaves out or fixes to a constant."""

from __future__ import annotations

from pathlib import Path

from scorecard.cli import main

ROOT = Path(__file__).resolve().parents[1]
ACME = str(ROOT / "contracts" / "acme-travel-nordlys.yaml")
PWC = str(ROOT / "contracts" / "pwc-call-center.yaml")


def test_a_preset_against_its_own_contract_has_no_warning(capsys):
    assert main(["validate", PWC, "--mapping", "pwc-call-center"]) == 0
    out = capsys.readouterr()
    assert out.out == f"{PWC}: valid\n" and out.err == ""


def test_inputs_the_mapping_leaves_out_are_warnings(capsys):
    assert main(["validate", ACME, "--mapping", "pwc-call-center"]) == 0
    err = capsys.readouterr().err
    assert ("warning: " + str(ROOT / "scorecard" / "data" / "presets" / "pwc-call-center.yaml")
            + ": tables.interactions.columns: KPI nps (nps) measures nps, which the mapping does not map "
              "in interactions") in err
    assert "KPI csat " not in err and "KPI aht " not in err  # both mapped by the preset


def test_a_constant_input_is_a_warning(tmp_path, capsys):
    mapping = tmp_path / "calls.yaml"
    mapping.write_text("tables:\n  interactions:\n    columns:\n      transferred: {value: false}\n")
    assert main(["validate", ACME, "--mapping", str(mapping)]) == 0
    err = capsys.readouterr().err
    assert "KPI transfer_rate will be not measurable: transferred is set to the constant false" in err
    assert "line 4" in err


def test_a_bad_mapping_is_an_error(tmp_path, capsys):
    mapping = tmp_path / "calls.yaml"
    mapping.write_text("tables:\n  interactions:\n    columns:\n      handle_time_s: {from: Talk, unit: fortnights}\n")
    assert main(["validate", ACME, "--mapping", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert f"{mapping}:4:" in err and "problem(s) found." in err


def test_an_unknown_mapping_name_is_an_error(capsys):
    assert main(["validate", ACME, "--mapping", "pwc-call-centre"]) == 2
    assert "neither a file nor a preset" in capsys.readouterr().err
