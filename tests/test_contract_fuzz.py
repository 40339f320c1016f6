"""validate_files never raises on bad content: mutated contracts and random YAML text always come
back as a list of located problems (the CLI must never show a traceback for a bad contract)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.contract.loader import validate_files
from scorecard.errors import Problem

ROOT = Path(__file__).resolve().parents[1]
BASE = yaml.safe_load((ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text())
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["80%", ">= 80%", "<= 7m", "20s", "3 months", "all",
                                                           "closed", "08:00-20:00", "p90", "business", "voice",
                                                           "2026-02-30", "Europe/Paris", "fcr", "mean"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every location in a YAML tree (mapping keys and list indexes)."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, prefix + (i,))
    return out


ALL_PATHS = paths(BASE)


def mutate(doc: Any, where: tuple, action: str, value: Any) -> Any:
    doc = copy.deepcopy(doc)
    parent = doc
    for part in where[:-1]:
        parent = parent[part]
    last = where[-1]
    if action == "drop":
        del parent[last]
    else:
        parent[last] = value
    return doc


def check(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    problems = validate_files([path])
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
    for p in problems:
        assert str(p) and (p.line is None or p.line >= 1) and (p.col is None or p.col >= 1)
    return problems


@RUNS
@given(edits=st.lists(st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["drop", "replace"]), values),
                      min_size=1, max_size=4))
def test_mutated_contracts_never_raise(tmp_path, edits):
    doc = BASE
    for where, action, value in edits:
        try:
            doc = mutate(doc, where, action, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this place
    check(tmp_path, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


@RUNS
@given(text=st.text(max_size=300))
def test_random_text_never_raises(tmp_path, text):
    check(tmp_path, text)


yaml_ish = st.lists(st.sampled_from(["contract:", "kpis:", "  aht:", "    metric: csat", "  - x", "- [a",
                                     "&a {b: *a}", "<<: *a", "? [k]\n: v", "key: key: v", "!!python/name:os",
                                     "\t", "'unclosed", "a: !!binary xx", "calendars: {b: {hours: x}}",
                                     "--- ", "...", "%YAML 1.1", "a: &x [*x]", "{", "k: 2026-13-45"]),
                    max_size=8).map("\n".join)


@RUNS
@given(text=yaml_ish)
def test_yaml_like_fragments_never_raise(tmp_path, text):
    check(tmp_path, text)


def test_recursive_alias_is_a_problem(tmp_path):
    problems = check(tmp_path, "contract: &a {x: *a}\n")
    assert [(p.field, p.line) for p in problems if "alias" in p.message] == [("contract.x", 1)]
