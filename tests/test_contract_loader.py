"""The sketch and the shipped example contracts load into the typed model with hand-checked values."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from scorecard.contract.loader import load_contract, validate_files
from scorecard.errors import ContractError
from scorecard.units import Target

ROOT = Path(__file__).resolve().parents[1]
SKETCH = Path(__file__).resolve().parents[1] / "docs" / "spec" / "contract-sketch.yaml"
if not SKETCH.exists():  # outside the shared workspace the shipped copy is the sketch
    SKETCH = ROOT / "contracts" / "acme-travel-nordlys.yaml"
EXAMPLES = sorted((ROOT / "contracts").glob("*.yaml"))


@pytest.fixture(scope="module")
def sketch():
    return load_contract(SKETCH)


def test_header(sketch):
    assert (sketch.id, sketch.client, sketch.vendor) == (
        "acme-travel-nordlys-2026", "Acme Travel", "Nordlys Contact Services")
    assert (sketch.currency, sketch.timezone, sketch.monthly_fee) == ("EUR", "Europe/Paris", 480000.0)
    assert (sketch.effective, sketch.expires) == (date(2026, 1, 1), date(2027, 12, 31))
    assert sketch.language == "en"
    assert sketch.live_channels == ("voice", "chat", "messaging")
    assert sketch.path == str(SKETCH)
    assert sketch.version_hash == hashlib.sha256(SKETCH.read_bytes()).hexdigest()


def test_service_level_clause(sketch):
    sl = sketch.kpis["service_level_voice"]
    assert sl.metric == "service_level"
    assert sl.params == {"threshold": 20.0, "exclude_abandoned_within": 5.0, "formula": "offered"}
    assert sl.filter == {"channel": ("voice",)}
    assert sl.target == Target(">=", 0.8, "rate", ">= 80%")
    assert sl.minimum == Target(">=", 0.7, "rate", ">= 70%")
    assert sl.min_sample == 500 and sl.statistic == "mean" and sl.clock is None


def test_other_clauses(sketch):
    k = sketch.kpis
    assert list(k)[:3] == ["service_level_voice", "asa_voice", "abandonment_voice"] and len(k) == 26
    assert k["fcr"].params == {"repeat_window": 604800.0}
    assert k["abandonment_voice"].params == {"exclude_within": 5.0}
    assert k["frt_chat"].statistic == "p90" and k["trt"].statistic == "median"
    assert k["frt_email"].clock == "business" and k["frt_email"].target.value == 8 * 3600
    assert k["frt_email"].minimum.value == 86400.0
    assert k["aht"].per_channel_targets == {"voice": Target("<=", 420.0, "duration", "<= 7m"),
                                            "chat": Target("<=", 720.0, "duration", "<= 12m"),
                                            "email": Target("<=", 540.0, "duration", "<= 9m")}
    assert k["csat"].params == {"satisfied": (4.0, 5.0), "method": "share", "scale": (1.0, 5.0)} and k["csat"].min_sample == 100
    assert k["dsat"].params == {"dissatisfied": (1.0, 2.0), "scale": (1.0, 5.0)}
    assert k["trt"].target.value == 172800.0
    assert k["nps"].target == Target(">=", 30.0, "number", ">= 30")
    assert k["agent_quality"].params == {"threshold": 85.0}
    assert k["qa_calibration"].params == {"tolerance": 5.0, "reference": "reference"}
    assert k["cost_per_contact"].params == {"unit": "handled_contacts"}
    assert k["cost_per_contact"].target.value == pytest.approx(4.2)
    assert k["digital_rate"].params == {"digital_channels": ("self_service",)}
    assert k["nps"].min_sample == 1 and k["nps"].params == {"scale": (0.0, 10.0)}


def test_calendar(sketch):
    cal = sketch.calendars["business"]
    assert cal.timezone == "Europe/Paris"
    weekday = ((8 * 3600, 20 * 3600),)
    assert cal.hours == {0: weekday, 1: weekday, 2: weekday, 3: weekday, 4: weekday,
                         5: ((9 * 3600, 13 * 3600),), 6: ()}
    assert len(cal.holidays) == 10 and date(2026, 7, 14) in cal.holidays and date(2026, 12, 25) in cal.holidays


def test_credits_incentives_scoring(sketch):
    sc = sketch.service_credits
    assert sc.at_risk == pytest.approx(0.12) and sc.pool == pytest.approx(2.0)
    assert sc.allocations == pytest.approx({"service_level_voice": 0.4, "abandonment_voice": 0.2, "frt_email": 0.3,
                                            "fcr": 0.4, "csat": 0.4, "qa_score": 0.15, "qa_calibration": 0.15})
    assert (sc.earn_back_months, sc.chronic_misses, sc.chronic_within_months) == (3, 3, 6)
    assert sketch.at_risk_amount == pytest.approx(57600.0)
    assert sketch.incentives.bonus_pool == pytest.approx(0.03)
    assert sketch.incentives.bands == ((95.0, 1.0), (90.0, 0.5))
    assert sketch.scoring.weights["fcr"] == 20.0 and sum(sketch.scoring.weights.values()) == 100.0
    assert sketch.scoring.rag == {"green": "meets target", "amber": "meets minimum", "red": "misses minimum"}


def test_roles_and_governance(sketch):
    agent = sketch.roles["agent"]
    assert agent.grain == "agent_id" and agent.kpis == ("aht", "fcr", "csat", "qa_score", "transfer_rate")
    assert agent.targets == {"qa_score": Target(">=", 85.0, "number", ">= 85"),
                             "aht": Target("<=", 420.0, "duration", "<= 7m")}
    assert sketch.roles["trainer"].sections == ("qa_errors_by_category", "dsat_reasons")
    assert sketch.roles["operations_manager"].kpis == tuple(sketch.kpis)
    assert sketch.grains() == ("vendor", "agent_id", "team_id", "evaluator_id")
    g = sketch.governance
    assert g.forum == "monthly" and g.trend_months == 6 and len(g.attendees) == 4
    assert g.sections[0] == "summary" and g.sections[-1] == "actions" and g.actions is None


def test_shipped_acme_is_the_sketch():
    assert (ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text() == SKETCH.read_text()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate(path):
    assert validate_files([path]) == []
    assert load_contract(path).kpis


def test_globex_shape():
    c = load_contract(ROOT / "contracts" / "globex-email-chat.yaml")
    assert (c.currency, c.timezone, c.live_channels) == ("USD", "America/New_York", ("chat",))
    assert "sms" in c.channels and c.incentives.bands[0] == (97.0, 1.0)
    assert c.calendars["us_business"].hours[0] == ((7 * 3600, 12 * 3600), (12 * 3600 + 1800, 21 * 3600))
    assert c.calendars["us_business"].timezone == "America/New_York"
    assert c.service_credits.pool == 1.0 and sum(c.service_credits.allocations.values()) == pytest.approx(1.0)
    assert (c.service_credits.earn_back_months, c.service_credits.chronic_misses) == (2, 4)
    assert c.kpis["email_first_response"].filter == {"channel": ("email", "sms")}
    assert c.kpis["handle_time"].per_channel_minimums["chat"].value == 900.0
    assert c.kpis["quality"].params == {"side": "client", "fatal_error_zeroes": True}
    assert c.governance.actions == "../examples/actions-globex.yaml" and c.governance.trend_months == 12


def test_inhouse_shape():
    c = load_contract(ROOT / "contracts" / "inhouse-support.yaml")
    assert c.language == "fr" and c.service_credits is None and c.incentives is None
    assert c.expires is None and c.monthly_fee is None and c.at_risk_amount is None
    assert c.kpis["satisfaction"].target == Target(">=", 4.2, "number", ">= 4.2")  # csat method: mean
    assert c.kpis["fcr"].params == {"repeat_window": 72 * 3600.0}
    assert c.calendars["ouvre"].hours[5] == () and c.calendars["ouvre"].hours[4] == ((30600, 61200),)
    assert c.roles["chef_equipe"].targets["occupation"].value == pytest.approx(0.72)


def test_iso_string_dates_and_own_calendar_timezone(tmp_path):
    text = SKETCH.read_text().replace("effective: 2026-01-01", 'effective: "2026-01-01"').replace(
        '      sat: "09:00-13:00"', '      sat: "09:00-13:00"\n    timezone: Europe/Helsinki')
    path = tmp_path / "c.yaml"
    path.write_text(text)
    c = load_contract(path)
    assert c.effective == date(2026, 1, 1) and c.calendars["business"].timezone == "Europe/Helsinki"


def test_load_contract_raises_with_every_problem(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(SKETCH.read_text().replace('target: "<= 7m"\n    per', 'target: "<= 7%"\n    per')
                    .replace("currency: EUR", "currency: euro"))
    with pytest.raises(ContractError) as info:
        load_contract(path)
    assert {p.field for p in info.value.problems} == {"contract.currency", "kpis.aht.target"}


def test_missing_file_is_a_problem(tmp_path):
    problems = validate_files([tmp_path / "nope.yaml"])
    assert len(problems) == 1 and "cannot read" in problems[0].message
    with pytest.raises(ContractError):
        load_contract(tmp_path / "nope.yaml")


def test_a_duration_longer_than_a_century_is_refused_where_it_is_written(tmp_path, capsys):
    """repeat_window: 200000d reached the repeat flags (nanosecond times overflowed: exit 1)."""
    from scorecard.cli import main
    text = (ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
    assert "repeat_window: 7d" in text
    path = tmp_path / "c.yaml"
    path.write_text(text.replace("repeat_window: 7d", "repeat_window: 200000d"), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "repeat_window" in err and "longer than 100 years" in err
    path.write_text(text.replace("repeat_window: 7d", "repeat_window: 36500d"), encoding="utf-8")
    assert main(["validate", str(path)]) == 0


def test_a_repeat_window_of_zero_is_refused_it_would_make_fcr_100_percent(tmp_path, capsys):
    from scorecard.cli import main
    text = (ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
    path = tmp_path / "c.yaml"
    path.write_text(text.replace("repeat_window: 7d", "repeat_window: 0s"), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "kpis.fcr.params.repeat_window" in err and "repeat window of 0" in err and "e.g. 7d" in err
