"""Contracts say their units: a bare number where a percentage or a duration is meant is an error at
its line with the fix, impossible comparisons are refused, and plain numbers stay plain where the
value is points, counts, ratios or money. Also informational KPIs (no target, no minimum)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from tests.test_contract_errors import check, line_of, one

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("old, new, field, fix", [
    ("at_risk: 12%", "at_risk: 1", "service_credits.at_risk", "write 1%"),
    ("at_risk: 12%", "at_risk: 0.12", "service_credits.at_risk", "write 0.12% (or 12% if 0.12 is a fraction)"),
    ("pool: 200%", "pool: 2", "service_credits.pool", "write 2%"),
    ("    fcr: 40%", "    fcr: 40", "service_credits.allocations.fcr", "write 40%"),
    ("bonus_pool: 3%", "bonus_pool: 3", "incentives.bonus_pool", "write 3%"),
    ("{at_least: 90, bonus: 50%}", "{at_least: 90, bonus: 50}", "incentives.overall_score_bands[1].bonus",
     "write 50%"),
    ("threshold: 20s", "threshold: 20", "kpis.service_level_voice.params.threshold", "write 20s"),
    ("exclude_within: 5s", "exclude_within: 5", "kpis.abandonment_voice.params.exclude_within", "write 5s"),
    ("repeat_window: 7d", "repeat_window: 7", "kpis.fcr.params.repeat_window", "write 7s"),
])
def test_bare_number_needs_its_unit(tmp_path, old, new, field, fix):
    text, problems = check(tmp_path, old, new)
    p = one(problems, field)
    assert p.line == line_of(text, new) and "has no unit" in p.message and p.hint.startswith(fix)
    assert len(problems) == 1


def test_bare_number_through_the_cli(tmp_path, capsys):
    text, _ = check(tmp_path, "at_risk: 12%", "at_risk: 1")
    assert main(["validate", str(tmp_path / "contract.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"contract.yaml:{line_of(text, 'at_risk: 1')}:12: service_credits.at_risk: 1 has no unit" in err
    assert "hint: write 1% (or 100% if 1 is a fraction)" in err


@pytest.mark.parametrize("old, new", [
    ("params: {tolerance: 5}", "params: {tolerance: 7}"),             # QA points
    ("params: {threshold: 85}", "params: {threshold: 80}"),           # a QA score
    ('target: "<= 0.35"', 'target: "<= 0.06"'),                       # a ratio
    ('target: "<= 4.20"', 'target: "<= 3.90"'),                       # money
    ('target: ">= 30"', 'target: ">= -10"'),                          # NPS points
    ("{at_least: 95, bonus: 100%}", "{at_least: 0, bonus: 100%}"),   # a floor band: any score
])
def test_plain_numbers_stay_plain(tmp_path, old, new):
    assert check(tmp_path, old, new)[1] == []


def test_the_spec_sketch_validates_unchanged():
    assert main(["validate", str(ROOT / "docs" / "spec" / "contract-sketch.yaml")]) == 0


@pytest.mark.parametrize("at_least", ["0.95", "1"])
def test_band_score_on_a_0_1_scale(tmp_path, at_least):
    text, problems = check(tmp_path, "{at_least: 95, bonus: 100%}", f"{{at_least: {at_least}, bonus: 100%}}")
    p = one(problems, "incentives.overall_score_bands[0].at_least")
    assert "scores are 0-100" in p.message and p.hint == f"did you mean {float(at_least) * 100:g}?"


@pytest.mark.parametrize("kpi, old, new, words", [
    ("csat", 'target: ">= 85%"', 'target: ">= 105%"', "out of range: csat is always between 0% and 100%"),
    ("transfer_rate", 'target: "<= 10%"', 'target: "<= -1%"', "out of range"),
    ("transfer_rate", 'target: "<= 10%"', 'target: "< 0%"', "can never be met"),
    ("digital_rate", 'target: ">= 40%"', 'target: "> 100%"', "can never be met"),
    ("tat", 'target: "<= 4h"', 'target: "<= -4h"', "out of range: turnaround_time is always at least 0s"),
    ("tat", 'target: "<= 4h"', 'target: "< 0s"', "can never be met"),
])
def test_impossible_comparisons(tmp_path, kpi, old, new, words):
    text, problems = check(tmp_path, old, new)
    p = one(problems, f"kpis.{kpi}.target")
    assert words in p.message and p.line == line_of(text, new)


def test_rates_that_may_pass_100_percent(tmp_path):
    # scheduled hours above the forecast need, and a forecast further off than the actuals
    assert check(tmp_path, 'target: ">= 98%"', 'target: ">= 105%"')[1] == []
    assert check(tmp_path, 'target: ">= 95%"', 'target: ">= -20%"')[1] == []


def test_informational_kpi_is_valid(tmp_path):
    check(tmp_path, '    metric: nps\n    target: ">= 30"\n', "    metric: nps\n")
    contract = load_contract(tmp_path / "contract.yaml")
    assert contract.kpis["nps"].informational and not contract.kpis["csat"].informational


def _fcr_informational(*, keep: str) -> str:
    """The reference contract with fcr's target and minimum removed, and only `keep` (its credit
    allocation or its weight) still naming it."""
    text = (ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text()
    text = text.replace('    target: ">= 75%"\n    minimum: ">= 65%"\n', "", 1)
    allocation, weight = "    fcr: 40%\n", "fcr: 20, "
    return text.replace(weight, "") if keep == allocation else text.replace(allocation, "")


@pytest.mark.parametrize("keep, field", [("    fcr: 40%\n", "service_credits.allocations.fcr"),
                                         ("fcr: 20, ", "scoring.weights.fcr")])
def test_informational_kpi_cannot_carry_credits_or_weight(tmp_path, keep, field):
    text, problems = check(tmp_path, keep, keep, text=_fcr_informational(keep=keep))
    p = one(problems, field)
    assert "'fcr' is informational" in p.message and p.line == line_of(text, keep)
    assert len(problems) == 1


def test_a_number_yaml_reads_as_text_gets_it_spelled_out(tmp_path):
    """YAML 1.1 reads 1e6 as text: the hint says what to write instead of 'expected a number'."""
    from scorecard.contract.loader import validate_files

    path = tmp_path / "fee.yaml"
    path.write_text("contract:\n  id: x\n  client: C\n  vendor: V\n  currency: EUR\n  timezone: Europe/Paris\n"
                    "  monthly_fee: 1e6\nkpis:\n  v: {metric: volume}\n", encoding="utf-8")
    (problem,) = validate_files([path])
    assert (problem.line, problem.field, problem.hint) == (7, "contract.monthly_fee", "write 1000000")


def test_a_qa_target_written_as_a_share_is_refused(tmp_path):
    from scorecard.contract.loader import validate_files

    path = tmp_path / "qa.yaml"
    path.write_text("contract:\n  id: x\n  client: C\n  vendor: V\n  currency: EUR\n  timezone: Europe/Paris\n"
                    "kpis:\n  qa: {metric: quality_score, target: \">= 0.85\"}\n", encoding="utf-8")
    (problem,) = validate_files([path])
    assert problem.line == 8 and problem.hint == "did you mean '>= 85'?"
