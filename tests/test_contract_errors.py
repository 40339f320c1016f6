"""One test per class of contract mistake: the problem names the right field, line and column.

Each test edits the spec's sketch in one place and checks that exactly that place is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.contract.loader import load_contract, validate_files
from scorecard.errors import ContractError, Problem

ROOT = Path(__file__).resolve().parents[1]
SKETCH = (ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text()


def check(tmp_path: Path, old: str, new: str, *, text: str = SKETCH) -> tuple[str, list[Problem]]:
    assert text.count(old) >= 1, old
    edited = text.replace(old, new, 1)
    path = tmp_path / "contract.yaml"
    path.write_text(edited)
    return edited, validate_files([path])


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def col_of(text: str, needle: str) -> int:
    start = text.index(needle)
    return start - text.rfind("\n", 0, start)


def one(problems: list[Problem], field: str) -> Problem:
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, (field, [str(p) for p in problems])
    return found[0]


def test_unknown_metric_suggests_closest(tmp_path):
    text, problems = check(tmp_path, "metric: average_handle_time", "metric: average_handel_time")
    p = one(problems, "kpis.aht.metric")
    assert (p.line, p.col) == (line_of(text, "average_handel_time"), col_of(text, "average_handel_time"))
    assert "average_handle_time" in p.message and "unknown metric" in p.message
    assert str(p).startswith(f"{tmp_path / 'contract.yaml'}:{p.line}:{p.col}: kpis.aht.metric: ")
    assert len(problems) == 1


def test_target_unit_does_not_fit_metric(tmp_path):
    text, problems = check(tmp_path, 'target: ">= 80%"               # expected',
                           'target: ">= 20s"               # expected')
    p = one(problems, "kpis.service_level_voice.target")
    assert p.line == line_of(text, '">= 20s"') and "duration" in p.message and "percentage" in p.message
    assert "80%" in p.hint


def test_bare_number_target_on_a_rate(tmp_path):
    _, problems = check(tmp_path, 'target: ">= 75%"', 'target: ">= 0.75"')
    assert "percentage" in one(problems, "kpis.fcr.target").message


def test_unparseable_target(tmp_path):
    text, problems = check(tmp_path, 'target: "<= 4h"', 'target: "under 4 hours"')
    p = one(problems, "kpis.tat.target")
    assert p.line == line_of(text, "under 4 hours") and "cannot read" in p.message and "'>= 80%'" in p.hint


def test_target_aiming_the_wrong_way(tmp_path):
    _, problems = check(tmp_path, 'target: "<= 10%"', 'target: ">= 10%"')
    assert "lower-is-better" in one(problems, "kpis.transfer_rate.target").message


def test_allocation_naming_missing_kpi(tmp_path):
    text, problems = check(tmp_path, "    fcr: 40%\n    csat: 40%", "    fcrr: 40%\n    csat: 40%")
    p = one(problems, "service_credits.allocations.fcrr")
    assert (p.line, p.col) == (line_of(text, "fcrr: 40%"), 5) and '"fcr"' in p.message


def test_weight_and_role_naming_missing_kpi(tmp_path):
    text, problems = check(tmp_path, "frt_email: 10, fcr: 20", "frt_email: 10, fcx: 20")
    assert one(problems, "scoring.weights.fcx").line == line_of(text, "fcx: 20")
    text, problems = check(tmp_path, "kpis: [qa_calibration, qa_score]", "kpis: [qa_calibraton, qa_score]")
    p = one(problems, "roles.qa_team.kpis[0]")
    assert (p.line, p.col) == (line_of(text, "qa_calibraton"), col_of(text, "qa_calibraton"))
    assert '"qa_calibration"' in p.message


def test_role_target_for_kpi_outside_the_role(tmp_path):
    _, problems = check(tmp_path, 'targets: {qa_score: ">= 85", aht: "<= 7m"}',
                        'targets: {qa_score: ">= 85", tat: "<= 7m"}')
    assert "not in its kpis" in one(problems, "roles.agent.targets.tat").message


def test_allocations_above_pool(tmp_path):
    text, problems = check(tmp_path, "pool: 200%", "pool: 150%")
    p = one(problems, "service_credits.allocations")
    assert p.line == line_of(text, "allocations:") + 1 and "200%" in p.message and "150%" in p.message


def test_calendar_overlapping_hours(tmp_path):
    text, problems = check(tmp_path, 'sat: "09:00-13:00"', 'sat: ["09:00-13:00", "12:00-15:00"]')
    p = one(problems, "calendars.business.hours.sat")
    assert p.line == line_of(text, "sat: [") and "overlap" in p.message


def test_calendar_invalid_hours(tmp_path):
    text, problems = check(tmp_path, 'sat: "09:00-13:00"', 'sat: "09:00-25:00"')
    assert one(problems, "calendars.business.hours.sat").line == line_of(text, "09:00-25:00")
    _, problems = check(tmp_path, 'sat: "09:00-13:00"', 'sat: "13:00-09:00"')
    assert "closes before it opens" in one(problems, "calendars.business.hours.sat").message
    _, problems = check(tmp_path, 'sat: "09:00-13:00"', 'fri-mon: "09:00-13:00"')
    assert "cannot read the days" in one(problems, "calendars.business.hours.fri-mon").message
    _, problems = check(tmp_path, 'sat: "09:00-13:00"', 'fri: "09:00-13:00"')
    assert "given twice" in one(problems, "calendars.business.hours.fri").message


def test_effective_after_expires(tmp_path):
    text, problems = check(tmp_path, "expires: 2027-12-31", "expires: 2025-12-31")
    p = one(problems, "contract.expires")
    assert p.line == line_of(text, "expires:") and "before it is effective" in p.message


def test_missing_required_fields(tmp_path):
    text, problems = check(tmp_path, '    metric: nps\n    target: ">= 30"\n', '    target: ">= 30"\n')
    p = one(problems, "kpis.nps")
    assert p.line == line_of(text, "  nps:\n") and "missing required field 'metric'" in p.message
    _, problems = check(tmp_path, "  vendor: Nordlys Contact Services\n", "")
    assert "'vendor'" in one(problems, "contract").message


def test_minimum_stricter_or_opposite(tmp_path):
    text, problems = check(tmp_path, 'minimum: ">= 65%"', 'minimum: ">= 85%"')
    p = one(problems, "kpis.fcr.minimum")
    assert p.line == line_of(text, '">= 85%"') and "stricter" in p.message
    _, problems = check(tmp_path, 'minimum: "<= 60s"', 'minimum: ">= 60s"')
    assert "opposite operator" in one(problems, "kpis.asa_voice.minimum").message


def test_clock_naming_missing_calendar(tmp_path):
    text, problems = check(tmp_path, "    clock: business\n    filter: {channel: email}\n    target: \"<= 8h\"",
                           "    clock: busines\n    filter: {channel: email}\n    target: \"<= 8h\"")
    p = one(problems, "kpis.frt_email.clock")
    assert p.line == line_of(text, "busines\n") and '"business"' in p.message


def test_unknown_grain(tmp_path):
    text, problems = check(tmp_path, "grain: evaluator_id", "grain: evaluator")
    p = one(problems, "roles.qa_team.grain")
    assert p.line == line_of(text, "grain: evaluator\n") and '"evaluator_id"' in p.message


def test_unknown_param_and_bad_param_value(tmp_path):
    text, problems = check(tmp_path, "params: {repeat_window: 7d}", "params: {repeat_windw: 7d}")
    p = one(problems, "kpis.fcr.params.repeat_windw")
    assert (p.line, p.col) == (line_of(text, "repeat_windw"), col_of(text, "repeat_windw"))
    assert '"repeat_window"' in p.message
    _, problems = check(tmp_path, "params: {repeat_window: 7d}", "params: {repeat_window: seven days}")
    assert "duration" in one(problems, "kpis.fcr.params.repeat_window").message
    _, problems = check(tmp_path, "params: {unit: handled_contacts}", "params: {unit: calls}")
    assert "handled_contacts" in one(problems, "kpis.cost_per_contact.params.unit").message


def test_statistic_rules(tmp_path):
    _, problems = check(tmp_path, "statistic: p90", "statistic: p100")
    assert one(problems, "kpis.frt_chat.statistic")
    _, problems = check(tmp_path, "    metric: nps\n", "    metric: nps\n    statistic: median\n")
    assert "no `statistic`" in one(problems, "kpis.nps.statistic").message


def test_unknown_field_and_misplaced_header_field(tmp_path):
    text, problems = check(tmp_path, "    min_sample: 500", "    min_sampel: 500")
    p = one(problems, "kpis.service_level_voice.min_sampel")
    assert (p.line, p.col) == (line_of(text, "min_sampel"), 5) and '"min_sample"' in p.message
    _, problems = check(tmp_path, "calendars:", "language: fr\ncalendars:")
    assert "contract:" in one(problems, "language").hint


def test_unknown_channel_and_timezone(tmp_path):
    _, problems = check(tmp_path, "filter: {channel: chat}", "filter: {channel: chatt}")
    assert '"chat"' in one(problems, "kpis.frt_chat.filter.channel").message
    _, problems = check(tmp_path, "timezone: Europe/Paris", "timezone: Paris")
    assert "IANA" in one(problems, "contract.timezone").message


def test_duplicate_keys_are_errors(tmp_path):
    text, problems = check(tmp_path, "  tat:\n", "  aht:\n")
    p = one(problems, "kpis.aht")
    assert "duplicate key 'aht'" in p.message
    second = [i + 1 for i, line in enumerate(text.splitlines()) if line == "  aht:"][1]
    assert (p.line, p.col) == (second, 3)


def test_yaml_syntax_error_is_located(tmp_path):
    text, problems = check(tmp_path, "kpis:\n", "kpis:\n  oops: [unclosed\n")
    assert len(problems) == 1 and "YAML syntax error" in problems[0].message and problems[0].line is not None


def test_all_problems_collected_not_only_the_first(tmp_path):
    text = SKETCH.replace("currency: EUR", "currency: 12").replace("grain: vendor", "grain: company")
    text = text.replace("at_risk: 12%", "at_risk: lots")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ContractError) as info:
        load_contract(path)
    fields = [p.field for p in info.value.problems]
    assert fields == ["contract.currency", "service_credits.at_risk", "roles.operations_manager.grain"]


def test_empty_and_non_mapping_documents(tmp_path):
    for text, words in (("", "empty"), ("- a\n- b\n", "mapping"), ("just text", "mapping")):
        path = tmp_path / "c.yaml"
        path.write_text(text)
        (problem,) = validate_files([path])
        assert words in problem.message


def test_a_missing_actions_file_is_reported_at_its_line(tmp_path):
    from scorecard.contract.loader import validate_files
    text = (Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml").read_text()
    contract = tmp_path / "c.yaml"
    contract.write_text(text + "  actions: missing-actions.yaml\n")
    problems = validate_files([contract])
    assert len(problems) == 1
    assert problems[0].field == "governance.actions" and "missing-actions.yaml" in problems[0].message
    assert problems[0].line == len(text.splitlines()) + 1
