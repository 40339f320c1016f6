"""Fuzzing contract VALUES through the CLI (issue 11, item 7): whatever a vendor manager types in a
field of the reference contract, `validate` exits 0 or 2 and never shows a traceback; and when it
says 0, `run` on well-formed (demo) data exits 0 too."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.cli import main
from scorecard.demo_data import generate
from tests.test_contract_fuzz import BASE, paths

def _at(doc: Any, where: tuple) -> Any:
    for part in where:
        doc = doc[part]
    return doc


LEAVES = [p for p in paths(BASE) if not isinstance(_at(BASE, p), (dict, list))]
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

numbers = st.one_of(st.integers(-3, 3), st.integers(-10**6, 10**6), st.just(10**400), st.just(-10**30),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.5, 0.95, 1e-9, 1e308]))
unit_texts = st.builds(lambda n, u: f"{n:g}{u}", st.floats(-1e6, 1e6, allow_nan=False),
                       st.sampled_from(["%", "s", "m", "h", "d", "w", " months", "", "x"]))
comparisons = st.builds(lambda op, v: f"{op} {v}", st.sampled_from([">=", "<=", ">", "<", "==", "=>"]),
                        st.one_of(unit_texts, st.sampled_from(["0%", "100%", "-1%", "101%", "0s", "1e400"])))
odd_texts = st.sampled_from(["", " ", "\x00", "\ud800", "é", "1-10", "10-1", "0-0", "all", "none", "null",
                             "2026-02-30", "🙂" * 40, "a" * 500])
values = st.one_of(st.none(), st.booleans(), numbers, unit_texts, comparisons, odd_texts,
                   st.lists(st.one_of(numbers, unit_texts), max_size=3),
                   st.dictionaries(st.sampled_from(["a", "target", "scale"]), unit_texts, max_size=2))


def mutated(edits: list[tuple[tuple, Any]]) -> dict:
    doc = copy.deepcopy(BASE)
    for where, value in edits:
        _at(doc, where[:-1])[where[-1]] = value
    return doc


def write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=False, sort_keys=False), encoding="utf-8")
    return path


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURES)
@given(edits=st.lists(st.tuples(st.sampled_from(LEAVES), values), min_size=1, max_size=3))
def test_validate_exits_0_or_2_whatever_the_values(tmp_path, capsys, edits):
    code = main(["validate", str(write(tmp_path, mutated(edits)))])
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "internal error" not in err and "Traceback" not in err


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "data"
    generate(out, agents=8, contacts_per_month=600, months=("2026-02", "2026-03"))
    return out


_UNIT = re.compile(r"^(>=|<=|>|<|==)?\s*(-?[\d.]+)\s*(%|s|m|h|d|w| months)?$")


def similar(original: Any) -> st.SearchStrategy:
    """Values of the kind the field holds (same operator and unit, another number), so that many
    mutated contracts stay valid and reach `run`."""
    m = _UNIT.match(original) if isinstance(original, str) else None
    if m:
        op, _, unit = m.groups()
        amounts = st.one_of(st.integers(0, 120), st.sampled_from([0.5, 99.9, 100, 1000]))
        return amounts.map(lambda n: f"{op + ' ' if op else ''}{n:g}{unit or ''}")
    if isinstance(original, bool):
        return st.booleans()
    if isinstance(original, int):
        return st.integers(0, 10**6)
    return st.sampled_from([original, "", "all", 0])


@st.composite
def plausible_edits(draw: st.DrawFn) -> list[tuple[tuple, Any]]:
    where = draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=2, unique=True))
    return [(w, draw(similar(_at(BASE, w)))) for w in where]


@settings(max_examples=20, deadline=None, suppress_health_check=FIXTURES)
@given(edits=plausible_edits())
def test_valid_means_run_succeeds(tmp_path, capsys, demo_data, edits):
    path = write(tmp_path, mutated(edits))
    if main(["validate", str(path)]) != 0:
        return
    code = main(["run", str(path), "--data", str(demo_data), "--period", "2026-03", "--out", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
