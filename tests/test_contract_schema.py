"""The shipped JSON Schema: valid draft-07, accepts every example contract, describes every property,
and rejects what an editor should flag (unknown metric, foreign params, bad target strings)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from scorecard.catalog import catalog
from scorecard.contract.schema import contract_schema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "contracts").glob("*.yaml"))
SPEC_SKETCH = Path(__file__).resolve().parents[1] / "docs" / "spec" / "contract-sketch.yaml"


def iso(value: Any) -> Any:
    """YAML dates -> ISO strings, as JSON (and the schema) types them."""
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(contract_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def errors(data: Any) -> list[str]:
    return [".".join(map(str, e.absolute_path)) for e in validator().iter_errors(data)]


@pytest.fixture
def sketch() -> dict:
    return iso(yaml.safe_load((ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text()))


def test_schema_is_draft7():
    schema = contract_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("path", [*EXAMPLES, *([SPEC_SKETCH] if SPEC_SKETCH.exists() else [])],
                         ids=lambda p: p.name)
def test_examples_validate_against_schema(path):
    data = iso(yaml.safe_load(path.read_text()))
    assert errors(data) == []


def _properties(node: Any, where: str = ""):
    """Every (path, schema) under a `properties` keyword anywhere in the schema."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{where}[{i}]")


def test_every_property_has_a_description():
    props = list(_properties(contract_schema()))
    assert len(props) > 80
    assert [p for p, sub in props if not (isinstance(sub, dict) and sub.get("description"))] == []


def test_metric_enum_is_the_catalog():
    kpi = contract_schema()["properties"]["kpis"]["additionalProperties"]
    assert kpi["properties"]["metric"]["enum"] == list(catalog())
    assert kpi["required"] == ["metric"]  # no target and no minimum: informational


def test_schema_flags_editor_mistakes(sketch):
    bad = copy.deepcopy(sketch)
    bad["kpis"]["aht"]["metric"] = "average_handel_time"
    bad["kpis"]["fcr"]["params"] = {"repeat_window": "7d", "threshold": "5s"}   # not an fcr param
    bad["kpis"]["csat"]["params"] = {"satisfied": "4 and 5"}                  # numbers expected
    bad["kpis"]["nps"]["statistic"] = "median"                                # nps has no statistic
    bad["kpis"]["tat"]["target"] = "under 4 hours"
    bad["kpis"]["frt_chat"]["statistic"] = "p100"
    del bad["kpis"]["dsat"]["metric"]
    bad["roles"]["agent"]["grain"] = "agent"
    bad["calendars"]["business"]["hours"]["sat"] = "9-13"
    bad["contract"]["effective"] = "1 January 2026"
    bad["surprise"] = True
    assert sorted(set(errors(bad))) == sorted({
        "kpis.aht.metric", "kpis.fcr.params", "kpis.csat.params.satisfied", "kpis.nps.statistic",
        "kpis.tat.target", "kpis.frt_chat.statistic", "kpis.dsat", "roles.agent.grain",
        "calendars.business.hours.sat", "contract.effective", ""})


def test_schema_accepts_the_documented_variants(sketch):
    ok = copy.deepcopy(sketch)
    ok["calendars"]["business"]["hours"] = {"mon,wed": ["08:00-12:00", "13:00-18:00"], "daily": "closed",
                                            "fri": "00:00-24:00"}
    ok["kpis"]["trt"]["clock"] = "elapsed"
    ok["kpis"]["csat"]["params"] = {"method": "mean"}
    ok["kpis"]["csat"]["target"] = ">= 4.2"
    ok["service_credits"]["earn_back"]["after"] = 3
    ok["contract"].update(language="fr", live_channels=["voice"], channels=["sms"])
    ok["governance"]["actions"] = "actions.yaml"
    assert errors(ok) == []
