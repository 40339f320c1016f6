"""Each contract-only review rule: a contract written to trigger it, and the clean one that does not."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
import yaml

from scorecard.contract.loader import load_contract
from scorecard.review import review

BASE = {
    "contract": {"id": "t", "client": "C", "vendor": "V", "currency": "EUR", "timezone": "Europe/Paris",
                 "effective": date(2026, 1, 1), "expires": date(2026, 12, 31), "monthly_fee": 100000},
    "kpis": {"aht": {"metric": "average_handle_time", "target": "<= 7m"},
             "fcr": {"metric": "first_contact_resolution", "target": ">= 75%", "minimum": ">= 65%"}},
    "service_credits": {"at_risk": "10%", "pool": "100%", "allocations": {"fcr": "50%", "aht": "50%"},
                        "earn_back": {"after": "3 months"}, "chronic_failure": {"misses": 3, "within": "6 months"}},
    "scoring": {"weights": {"aht": 50, "fcr": 50}},
    "roles": {"agent": {"grain": "agent_id", "kpis": ["aht", "fcr"]}},
}
# every French public holiday of 2026 that falls on a weekday (15 August and 1 November are week-ends)
FR_2026_WEEKDAYS = [date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 8), date(2026, 5, 14),
                    date(2026, 5, 25), date(2026, 7, 14), date(2026, 11, 11), date(2026, 12, 25)]


def findings(tmp_path: Path, change=None) -> list:
    doc = copy.deepcopy(BASE)
    if change:
        change(doc)
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return review(load_contract(path)).findings


def rules(found) -> list[str]:
    return [f.rule for f in found]


def test_the_base_contract_is_clean(tmp_path):
    assert findings(tmp_path) == []


def _drop_quality(doc):
    doc["service_credits"]["allocations"] = {"aht": "50%"}
    doc["scoring"]["weights"] = {"aht": 100}


def _voice_only_quality(doc):
    doc["kpis"]["aht"]["filter"] = {"channel": "chat"}
    doc["kpis"]["fcr"]["filter"] = {"channel": "voice"}


def _no_owner(doc):
    doc["kpis"]["csat"] = {"metric": "csat", "target": ">= 80%"}


def _role_with(count):
    def change(doc):
        for i in range(count - 2):
            doc["kpis"][f"tr{i}"] = {"metric": "transfer_rate", "target": "<= 10%"}
        doc["roles"]["agent"]["kpis"] = list(doc["kpis"])
    return change


def _credit_without_weight(doc):
    doc["scoring"]["weights"] = {"fcr": 100}


def _weight_off_cards(doc):
    doc["roles"]["agent"]["kpis"] = ["fcr"]
    doc["roles"]["lead"] = {"grain": "team_id", "kpis": ["fcr"]}


def _no_amber(doc):
    doc["kpis"]["fcr"]["minimum"] = ">= 75%"


def _high_risk(doc):
    doc["service_credits"]["at_risk"] = "25%"


def _concentrated(doc):
    doc["service_credits"]["allocations"] = {"fcr": "60%", "aht": "40%"}


def _no_earn_back(doc):
    del doc["service_credits"]["earn_back"]


def _no_chronic(doc):
    del doc["service_credits"]["chronic_failure"]


@pytest.mark.parametrize("change, rule, severity, kpi, clause", [
    (_drop_quality, "unguarded_speed", "warning", "aht", "aht:"),
    (_voice_only_quality, "unguarded_speed", "warning", "aht", "aht:"),
    (_no_owner, "no_owner", "warning", "csat", "csat:"),
    (_credit_without_weight, "unweighted", "warning", "aht", "aht: 50%"),
    (_no_amber, "no_amber_band", "warning", "fcr", "minimum:"),
    (_high_risk, "at_risk_high", "warning", "", "at_risk:"),
    (_concentrated, "allocation_concentrated", "warning", "fcr", "fcr: 60%"),
    (_no_earn_back, "no_earn_back", "advice", "", "service_credits:"),
    (_no_chronic, "no_chronic_failure", "advice", "", "service_credits:"),
])
def test_each_rule_fires_on_the_clause_that_breaks_it(tmp_path, change, rule, severity, kpi, clause):
    found = findings(tmp_path, change)
    assert rules(found) == [rule]
    f = found[0]
    assert (f.severity, f.kpi) == (severity, kpi)
    assert Path(f.file).read_text(encoding="utf-8").splitlines()[f.line - 1].strip().startswith(clause)
    assert f.file.endswith("c.yaml") and f.message and f.why and f.suggestion


def test_a_role_with_eight_kpis_is_too_many_and_seven_is_not(tmp_path):
    found = findings(tmp_path, _role_with(8))
    assert rules(found) == ["too_many_kpis"]
    assert "8 KPIs" in found[0].message
    assert findings(tmp_path, _role_with(7)) == []


def test_a_weight_on_a_kpi_no_card_shows(tmp_path):
    def change(doc):
        doc["roles"]["agent"]["kpis"] = ["fcr"]
        doc["kpis"]["aht"]["target"] = "<= 7m"
    found = findings(tmp_path, change)
    assert sorted(rules(found)) == ["no_owner", "unweighted"]
    assert next(f for f in found if f.rule == "unweighted").message.endswith("is on no role's scorecard")


def test_a_contract_without_roles_gives_every_kpi_an_owner(tmp_path):
    assert findings(tmp_path, lambda d: d.pop("roles")) == []


def _calendar(holidays):
    def change(doc):
        doc["calendars"] = {"office": {"hours": {"mon-fri": "08:00-18:00"}, "holidays": holidays}}
    return change


def test_a_calendar_with_every_french_weekday_holiday_passes(tmp_path):
    assert findings(tmp_path, _calendar(FR_2026_WEEKDAYS)) == []


def test_a_calendar_missing_whit_monday_is_told_which_day_to_add(tmp_path):
    found = findings(tmp_path, _calendar([d for d in FR_2026_WEEKDAYS if d != date(2026, 5, 25)]))
    assert rules(found) == ["missing_holiday"]
    assert "1 public holiday(s) of FR" in found[0].message and "2026-05-25" in found[0].message
    assert "calendars.office.holidays: [2026-05-25]" in found[0].suggestion


def test_an_open_saturday_calendar_needs_saturday_holidays_too(tmp_path):
    def change(doc):
        _calendar(FR_2026_WEEKDAYS)(doc)
        doc["calendars"]["office"]["hours"]["sat"] = "09:00-12:00"
    found = findings(tmp_path, change)
    assert "2026-08-15" in found[0].suggestion and "2026-11-01" not in found[0].suggestion


def test_the_shipped_contracts_review_without_crashing():
    for path in sorted(Path("contracts").glob("*.yaml")):
        for f in review(load_contract(path)).findings:
            assert f.line >= 1 and f.severity in ("error", "warning", "advice")
