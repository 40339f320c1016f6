"""The actions file: read with every problem located, as a hand-edited file deserves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fixtures_deck import REPO, sketch_contract
from scorecard.errors import ContractError
from scorecard.render.deck.actions import load_actions

BAD = """\
- id: A-1
  title: Fine
  owner: Vendor QA lead
  due: 2026-02-15
  status: open
- id: A-2
  title: Bad date and status
  owner: Vendor QA lead
  due: 15/02/2026
  status: pending
- id: A-3
  owner: Nobody
  due: 2026-02-15
  status: open
  kpi: not_a_kpi
  colour: red
- id: A-1
  title: Duplicate id
  owner: Vendor QA lead
  due: 2026-02-15
  status: done
"""


@pytest.fixture(scope="module")
def contract():
    return sketch_contract()


def test_example_actions_file_loads(contract):
    actions = load_actions(REPO / "examples" / "actions.yaml", contract)
    assert len(actions) >= 5
    assert all(a.kpi is None or a.kpi in contract.kpis for a in actions)


def test_every_problem_is_located(contract, tmp_path):
    path = tmp_path / "actions.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ContractError) as err:
        load_actions(path, contract)
    found = {(p.line, p.field) for p in err.value.problems}
    assert (9, "due") in found
    assert (11, "title") in found  # missing title, reported at the action's first line
    assert (16, "colour") in found
    assert (17, "id") in found  # duplicate
    assert all(p.file == str(path) for p in err.value.problems)
    assert "YYYY-MM-DD" in str(err.value)


def test_status_and_kpi_checked(contract, tmp_path):
    path = tmp_path / "actions.yaml"
    path.write_text("- {id: X, title: T, owner: O, due: 2026-01-01, status: pending, kpi: fcr}\n"
                    "- {id: Y, title: T, owner: O, due: 2026-01-01, status: open, kpi: nope}\n")
    with pytest.raises(ContractError) as err:
        load_actions(path, contract)
    messages = [str(p) for p in err.value.problems]
    assert any(":1:" in m and "status" in m for m in messages)
    assert any(":2:" in m and "kpi" in m for m in messages)


def test_not_yaml_and_not_a_list(contract, tmp_path):
    path = tmp_path / "actions.yaml"
    path.write_text("- id: [unclosed\n")
    with pytest.raises(ContractError, match="not valid YAML") as err:
        load_actions(path, contract)
    assert err.value.problems[0].line is not None
    path.write_text("just a sentence\n")
    with pytest.raises(ContractError, match="must be a list"):
        load_actions(path, contract)
    with pytest.raises(ContractError, match="cannot read"):
        load_actions(tmp_path / "missing.yaml", contract)


def test_overdue_rule(contract, tmp_path):
    path = tmp_path / "actions.yaml"
    path.write_text("actions:\n"
                    "  - {id: X, title: T, owner: O, due: 2026-03-31, status: in progress}\n"
                    "  - {id: Y, title: T, owner: O, due: 2026-04-01, status: open}\n")
    late, on_time = load_actions(Path(path), contract)
    assert late.status == "in_progress"
    end = date(2026, 4, 1)  # the first day after a March forum period
    assert late.overdue(end) and not on_time.overdue(end)
