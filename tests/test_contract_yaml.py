"""YAML mistakes in plain words, located, with the fix; and hostile YAML (deep nesting, huge numbers,
invisible characters, bytes that are not UTF-8) refused with a located message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.cli import main
from scorecard.yamlread import FileKind, read_yaml, read_yaml_file
from tests.test_contract_errors import SKETCH, check, line_of, one

ROOT = Path(__file__).resolve().parents[1]

CSAT = '    target: ">= 85%"\n    minimum: ">= 78%"\n'


def validate(tmp_path: Path, text: str, capsys) -> str:
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("written, fix", [("minimum: >= 78%", 'minimum: ">= 78%"'),
                                          ("minimum: > 78%", 'minimum: "> 78%"')])
def test_unquoted_comparison(tmp_path, capsys, written, fix):
    text = SKETCH.replace('minimum: ">= 78%"', written, 1)
    err = validate(tmp_path, text, capsys)
    line = line_of(text, written)
    assert f"contract.yaml:{line}:14: YAML syntax error: the comparison {written[9:]} is not in quotes" in err
    assert f"hint: put the comparison in quotes: {fix}" in err and "block scalar" not in err


def test_tab(tmp_path, capsys):
    text = SKETCH.replace("    metric: csat\n", "\tmetric: csat\n", 1)
    err = validate(tmp_path, text, capsys)
    assert f"contract.yaml:{line_of(text, chr(9))}:1: YAML syntax error: a tab character" in err
    assert "replace the tab with spaces" in err


def test_bad_indent_shows_the_line_and_the_one_above(tmp_path, capsys):
    text = SKETCH.replace(CSAT, '    target: ">= 85%"\n   minimum: ">= 78%"\n', 1)
    err = validate(tmp_path, text, capsys)
    line = line_of(text, '   minimum: ">= 78%"')
    assert f"contract.yaml:{line}:4: YAML syntax error: line {line} does not line up with line {line - 1}" in err
    assert f'{line - 1} |     target: ">= 85%"' in err and f'{line} |    minimum: ">= 78%"' in err
    assert f"line {line} starts at column 4, line {line - 1} at column 5" in err


def test_missing_colon(tmp_path, capsys):
    text = SKETCH.replace("    metric: csat\n", "    metric csat\n", 1)
    err = validate(tmp_path, text, capsys)
    assert f"contract.yaml:{line_of(text, 'metric csat')}:5: YAML syntax error: this line has no colon" in err
    assert "hint: write `metric: csat`" in err


@pytest.mark.parametrize("text, message, where", [
    ('contract: {id: "abc}\n', "a quote opened here is never closed", (1, 16)),
    ("contract: [a, b\nkpis: {}\n", "a list opened here is not closed", (1, 11)),
    ("kpis:\n  - a\n  b: 1\n", "a list item and a key are side by side", (3, 3)),
])
def test_other_common_slips(text, message, where):
    _, problems = read_yaml(text, "f.yaml")
    assert message in problems[0].message and (problems[0].line, problems[0].col) == where


@pytest.mark.parametrize("kind", [FileKind("the contract"), FileKind("the mapping", scalars="strict_bools"),
                                  FileKind("the actions file", scalars="text")])
def test_nesting_500_deep_is_refused(kind):
    doc, problems = read_yaml("contract:\n  id: " + "[" * 500 + "]" * 500 + "\n", "f.yaml", kind)
    assert doc.data is None and [(p.line, p.col) for p in problems] == [(2, 55)]
    assert "nested more than 50 levels" in problems[0].message


def test_nesting_through_aliases_is_refused():
    text = "\n".join(["a0: &a0 [1]", *(f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 200))])
    _, problems = read_yaml(text, "f.yaml")
    assert "nested more than 50 levels" in problems[0].message


def test_huge_fee(tmp_path, capsys):
    text = SKETCH.replace("monthly_fee: 480000", "monthly_fee: " + "9" * 400)
    err = validate(tmp_path, text, capsys)
    assert f"contract.yaml:{line_of(text, 'monthly_fee')}:16: contract.monthly_fee: the number 999999999999... " \
           "(400 characters) is too large" in err
    assert err.count("contract.monthly_fee") == 1 and "1 problem(s) found." in err


def test_implausible_fee(tmp_path):
    _, problems = check(tmp_path, "monthly_fee: 480000", "monthly_fee: 48000000000000")
    assert "not plausible" in one(problems, "contract.monthly_fee").hint


@pytest.mark.parametrize("escape, code", [("\\ud800", "U+D800"), ("\\x00", "U+0000"), ("\\x0b", "U+000B")])
def test_invisible_characters(tmp_path, capsys, escape, code):
    text = SKETCH.replace("client: Acme Travel", f'client: "Acme{escape} Travel"')
    err = validate(tmp_path, text, capsys)
    assert f"contract.yaml:{line_of(text, 'client:')}:11: contract.client: invisible character {code}" in err


def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = tmp_path / "contract.yaml"
    path.write_bytes(b"contract:\n  client: Acme \xed\xa0\x80\n")
    _, problems = read_yaml_file(path, FileKind("the contract"))
    assert (problems[0].line, problems[0].col) == (2, 16) and "not UTF-8" in problems[0].message


def test_deep_mapping_and_actions_files_through_validate(tmp_path, capsys):
    deep = "[" * 500 + "]" * 500
    mapping = tmp_path / "calls.yaml"
    mapping.write_text(f"tables:\n  interactions:\n    columns:\n      csat: {deep}\n")
    assert main(["validate", str(ROOT / "contracts" / "acme-travel-nordlys.yaml"), "--mapping", str(mapping)]) == 2
    assert f"{mapping}:4:" in capsys.readouterr().err
    (tmp_path / "actions.yaml").write_text(f"- id: {deep}\n")
    check(tmp_path, "governance:\n  forum: monthly\n", "governance:\n  forum: monthly\n  actions: actions.yaml\n")
    assert main(["validate", str(tmp_path / "contract.yaml")]) == 2
    assert f"{tmp_path / 'actions.yaml'}:1:" in capsys.readouterr().err
