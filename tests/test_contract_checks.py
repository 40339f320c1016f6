"""`validate` catches what `run` would trip on or silently ignore: section names, clocks, survey
scales, credits without a fee, the actions file. One test per class, with its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.contract.scales import survey_scales
from tests.test_contract_errors import SKETCH, check, line_of, one

DECK_LINE = "sections: [summary, service_levels, quality, calibration,"


def test_deck_section_typo(tmp_path, capsys):
    text, problems = check(tmp_path, DECK_LINE, DECK_LINE.replace("calibration", "calibraton"))
    p = one(problems, "governance.deck.sections[3]")
    assert p.line == line_of(text, "calibraton") and '(did you mean "calibration"?)' in p.message
    assert main(["validate", str(tmp_path / "contract.yaml")]) == 2
    assert "governance.deck.sections[3]" in capsys.readouterr().err


def test_role_section_typo(tmp_path):
    text, problems = check(tmp_path, "sections: [qa_errors_by_category, dsat_reasons]",
                           "sections: [qa_errors_by_category, dsat_reason]")
    p = one(problems, "roles.trainer.sections[1]")
    assert p.line == line_of(text, "dsat_reason]") and "dsat_reasons" in p.message


@pytest.mark.parametrize("kpi, old", [("csat", "    metric: csat\n"), ("aht", "    metric: average_handle_time\n")])
def test_clock_on_a_metric_without_timestamps(tmp_path, kpi, old):
    text, problems = check(tmp_path, old, old + "    clock: business\n")
    p = one(problems, f"kpis.{kpi}.clock")
    assert "has no clock" in p.message and "remove `clock:`" in p.hint
    assert p.line == line_of(text, old) + 1


def test_clock_on_same_day_response_is_its_calendar():
    contract = load_contract(Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml")
    assert contract.kpis["same_day_response_email"].clock == "business"


@pytest.mark.parametrize("section", ["service_credits", "incentives"])
def test_credits_and_incentives_need_the_fee(tmp_path, section):
    text, problems = check(tmp_path, "  monthly_fee: 480000\n", "")
    p = one(problems, section)
    assert p.line == line_of(text, f"\n{section}:") + 1 and "monthly_fee" in p.message


def test_survey_answers_off_the_scale(tmp_path):
    text, problems = check(tmp_path, "params: {satisfied: [4, 5]}", "params: {satisfied: [9, 10]}")
    p = one(problems, "kpis.csat.params.satisfied")
    assert "9, 10 are not on the 1-5 scale" in p.message and p.line == line_of(text, "[9, 10]")


def test_a_new_scale_needs_its_counted_answers(tmp_path):
    _, problems = check(tmp_path, "params: {satisfied: [4, 5]}", "params: {scale: 1-10}")
    p = one(problems, "kpis.csat.params.scale")
    assert p.message == "on a 1-10 scale, say which answers count as satisfied"
    assert p.hint == "add satisfied: [9, 10] under params"


def test_kpis_of_one_column_share_its_scale(tmp_path):
    _, problems = check(tmp_path, "params: {satisfied: [4, 5]}", "params: {satisfied: [9, 10], scale: 1-10}")
    p = one(problems, "kpis.dsat.params.scale")
    assert "dsat reads the csat answers on a 1-5 scale, but csat on 1-10" in p.message


def test_a_declared_scale_reaches_the_data_checks(tmp_path):
    check(tmp_path, "params: {satisfied: [4, 5]}", "params: {satisfied: [9, 10], scale: 1-10}")
    text = (tmp_path / "contract.yaml").read_text()
    (tmp_path / "contract.yaml").write_text(text.replace("params: {dissatisfied: [1, 2]}",
                                                         "params: {dissatisfied: [1, 2, 3], scale: 1-10}"))
    contract = load_contract(tmp_path / "contract.yaml")
    assert survey_scales(contract) == {"csat": (1.0, 10.0), "nps": (0.0, 10.0), "ces": (1.0, 7.0)}
    assert contract.kpis["csat"].params["scale"] == (1.0, 10.0)


@pytest.mark.parametrize("old, new, field, words", [
    ('    metric: customer_effort_score\n    target: "<= 3"', '    metric: customer_effort_score\n    target: "<= 9"',
     "kpis.ces.target", 'not on the 1-7 scale'),
    ("    metric: nps\n", "    metric: nps\n    params: {scale: 1-10}\n", "kpis.nps.params.scale", "NPS is asked on 0-10"),
    ("params: {satisfied: [4, 5]}", "params: {scale: 5}", "kpis.csat.params.scale", "expected a survey scale"),
    ("params: {satisfied: [4, 5]}", "params: {scale: 5-1}", "kpis.csat.params.scale", "expected a survey scale"),
])
def test_scale_mistakes(tmp_path, old, new, field, words):
    _, problems = check(tmp_path, old, new)
    assert words in one(problems, field).message


def test_default_scales_without_survey_kpis():
    contract = load_contract(Path(__file__).resolve().parents[1] / "contracts" / "support-tickets.yaml")
    assert survey_scales(contract)["csat"] == (1.0, 5.0)


def _with_actions(tmp_path: Path, actions: str) -> Path:
    (tmp_path / "actions.yaml").write_text(actions)
    check(tmp_path, "governance:\n  forum: monthly\n", "governance:\n  forum: monthly\n  actions: actions.yaml\n")
    return tmp_path / "contract.yaml"


def test_actions_file_content_is_checked(tmp_path, capsys):
    path = _with_actions(tmp_path, "- id: A-1\n  title: Retrain\n  owner: Ops\n  due: 2026-02-30\n"
                                   "  status: open\n  kpi: fcrr\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'actions.yaml'}:4:8: due: due '2026-02-30' is not a date" in err


def test_actions_file_with_an_unknown_kpi(tmp_path, capsys):
    path = _with_actions(tmp_path, "- {id: A-1, title: Retrain, owner: Ops, due: 2026-03-01, status: open, kpi: fcrr}\n")
    assert main(["validate", str(path)]) == 2
    assert "kpi 'fcrr' is not a KPI of contract acme-travel-nordlys-2026" in capsys.readouterr().err


def test_a_valid_actions_file_passes(tmp_path):
    path = _with_actions(tmp_path, (Path(__file__).resolve().parents[1] / "examples" / "actions.yaml").read_text())
    assert main(["validate", str(path)]) == 0


def test_a_contract_without_roles_is_valid(tmp_path):
    start, end = SKETCH.index("\nroles:\n"), SKETCH.index("\ngovernance:\n")
    _, problems = check(tmp_path, SKETCH[start:end], "")
    assert problems == [] and load_contract(tmp_path / "contract.yaml").roles == {}
