"""Every catalog metric has at least one hand-computed case in the KPI tests."""

import re
from pathlib import Path

import pytest

from scorecard.catalog import catalog

TESTS = "\n".join(p.read_text() for p in Path(__file__).parent.glob("test_kpis_*.py"))


@pytest.mark.parametrize("name", sorted(catalog()))
def test_metric_has_a_hand_computed_case(name):
    assert re.search(rf'kpi\("{name}"', TESTS), f"no test builds a {name} KPI in tests/test_kpis_*.py"
