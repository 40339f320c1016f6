"""The committed schemas are what the code generates, carry a stable versioned $id, and accept
what the product writes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scorecard.cli import main
from scorecard.schema_files import SCHEMAS, schema_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_equals_the_generated_one(name):
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == schema_text(name), f"run `python -m scorecard.schema_files` and commit schemas/{name}"
    schema = json.loads(committed)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$id"] == f"urn:scorecard:schema:{name.split('.')[0]}:v1"


def test_results_json_validates_against_results_v1(small_demo, tmp_path):
    out = tmp_path / "o"
    assert main(["-q", "evaluate", str(ROOT / "contracts/acme-travel-nordlys.yaml"), "--data", str(small_demo),
                 "--out", str(out), "--period", "2026-03"]) == 0
    jsonschema.validate(json.loads((out / "results.json").read_text(encoding="utf-8")),
                        json.loads((ROOT / "schemas/results.v1.json").read_text(encoding="utf-8")))


def test_schema_command_prints_the_v1_contract_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == "urn:scorecard:schema:contract:v1"


def test_pre_commit_hook_runs_validate():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["entry"] == "scorecard validate" and hooks[0]["language"] == "python"
