"""The optional `version: 1` header of contracts and column mappings: accepted, and any other value
refused at its line with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.data.mapping import load_mapping
from scorecard.errors import ContractError

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"
PRESET = ROOT / "scorecard" / "data" / "presets" / "pwc-call-center.yaml"


def _with_version(source: Path, folder: Path, value: str) -> Path:
    out = folder / source.name
    text = source.read_text(encoding="utf-8").rstrip("\n")
    out.write_text(f"{text}\nversion: {value}\n", encoding="utf-8")  # last: every other line stays put
    return out


def _last_line(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_version_1_changes_nothing(tmp_path):
    plain = load_contract(CONTRACT)
    versioned = load_contract(_with_version(CONTRACT, tmp_path, "1"))
    assert versioned.kpis == plain.kpis and versioned.service_credits == plain.service_credits
    assert load_mapping(_with_version(PRESET, tmp_path, "1")).tables == load_mapping(PRESET).tables


@pytest.mark.parametrize("value, message, hint", [
    ("2", "this file is written in format version 2; scorecard", "upgrade scorecard"),
    ("1.0", "must be 1, the format version", "write `version: 1`"),
    ("'1'", "must be 1, the format version", "write `version: 1`"),
    ("true", "must be 1, the format version", "write `version: 1`"),
])
def test_another_version_is_refused_at_its_line(tmp_path, value, message, hint):
    for source, load in ((CONTRACT, load_contract), (PRESET, load_mapping)):
        path = _with_version(source, tmp_path, value)
        with pytest.raises(ContractError) as err:
            load(path)
        problem = next(p for p in err.value.problems if p.field == "version")
        assert problem.line == _last_line(path)
        assert problem.message.startswith(message) and problem.hint.startswith(hint)


def test_validate_reports_it_with_exit_2(tmp_path, capsys):
    path = _with_version(CONTRACT, tmp_path, "3")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{_last_line(path)}:10: version: this file is written in format version 3" in err
