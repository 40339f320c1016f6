"""Contract slips a reviewer made (review W, findings 6, 8, 9): each exits 2 through the CLI with the
problem at its line and the fix in plain words, never a misleading hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.cli import main
from scorecard.contract.fees import read_fee
from scorecard.contract.fields import Fields
from scorecard.yamlread import Document

BASE = (Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
AMENDMENT = """
amendments:
  - effective: 2026-05-01
    note: "Amendment 1"
{changes}"""
TRANSITION = "  transition: {until: UNTIL, credits: reduced 50%}\n"


def _validate(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list[str]]:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    rc = main(["validate", str(path)])
    said = capsys.readouterr()
    return rc, said.out + said.err, text.splitlines()


def _amended(changes: str) -> str:
    return BASE + AMENDMENT.format(changes=changes)


def _line(out: str, lines: list[str]) -> str:
    """The contract line the first problem points at."""
    return lines[int(out.removeprefix("warning: ").split(":")[1]) - 1]


def test_a_kpi_id_typo_in_an_amendment_is_not_read_as_a_new_kpi(tmp_path, capsys):
    rc, out, lines = _validate(tmp_path, _amended('    kpis:\n      cast: {minimum: ">= 80%"}\n'), capsys)
    assert rc == 2
    assert "amendments[0].kpis.cast: no KPI 'cast' in this contract at this date (did you mean \"csat\"?)" in out
    assert "to add a new KPI, give its metric" in out and "add `metric:` here" not in out
    assert _line(out, lines).strip().startswith("cast:")
    assert out.count("problem") == 1 and "1 problem(s)" in out


def test_a_new_kpi_with_a_metric_is_still_a_new_kpi(tmp_path, capsys):
    rc, out, _ = _validate(tmp_path, _amended(
        '    kpis:\n      asa_chat: {metric: average_speed_of_answer, filter: {channel: chat}, target: "<= 40s"}\n'),
        capsys)
    assert rc == 0, out


def test_remove_instead_of_removed_gets_a_did_you_mean(tmp_path, capsys):
    rc, out, lines = _validate(tmp_path, _amended("    kpis:\n      fcr: remove\n"), capsys)
    assert rc == 2
    assert "amendments[0].kpis.fcr: expected the KPI's changed clauses or `removed` (did you mean \"removed\"?)" in out
    assert "fcr: remove" in _line(out, lines)


@pytest.mark.parametrize("order", ["kpis first", "allocations first"])
def test_an_allocation_to_a_kpi_the_same_amendment_removes(tmp_path, capsys, order):
    kpis, credits = "    kpis:\n      fcr: removed\n", "    service_credits:\n      allocations: {csat: 45%, fcr: 5%}\n"
    rc, out, lines = _validate(tmp_path, _amended(kpis + credits if order == "kpis first" else credits + kpis),
                               capsys)
    assert rc == 2
    assert ("amendments[0].service_credits.allocations.fcr: KPI 'fcr' is removed by this amendment "
            "(kpis: {fcr: removed}), so it cannot get an allocation") in out
    assert "hint: drop fcr from service_credits.allocations, or keep the KPI" in out
    assert "1 problem(s)" in out and "allocations:" in _line(out, lines)


@pytest.mark.parametrize("until, message", [
    ("2025-12-01", "the transition until 2025-12-01 covers no month: a month is in transition when its first "
                   "day is before `until`, and the contract's first month is 2026-01 (effective 2026-01-01)"),
    ("2026-01-01", "the transition until 2026-01-01 covers no month"),
    ("2028-02-01", "the transition until 2028-02-01 is after the contract expires (2027-12-31): it would cover "
                   "every month, 2026-01 to 2027-12 (24 months)"),
])
def test_a_transition_outside_the_contract_term_is_an_error(tmp_path, capsys, until, message):
    text = BASE.replace("  earn_back:\n", TRANSITION.replace("UNTIL", until) + "  earn_back:\n", 1)
    rc, out, lines = _validate(tmp_path, text, capsys)
    assert rc == 2 and f"service_credits.transition.until: {message}" in out
    assert "transition:" in _line(out, lines)


def test_a_transition_within_the_term_is_valid(tmp_path, capsys):
    text = BASE.replace("  earn_back:\n", TRANSITION.replace("UNTIL", "2026-03-01") + "  earn_back:\n", 1)
    assert _validate(tmp_path, text, capsys)[0] == 0


@pytest.mark.parametrize("fee", ["480,000", "480 000", "480.000,00", "480,000.00", '"480\'000"'])
def test_a_fee_with_thousands_separators_gets_the_plain_number(tmp_path, capsys, fee):
    rc, out, _ = _validate(tmp_path, BASE.replace("  monthly_fee: 480000", f"  monthly_fee: {fee}", 1), capsys)
    assert rc == 2 and "contract.monthly_fee: cannot read" in out
    assert "hint: write the fee as a plain number: 480000 (no thousands separator)" in out
    assert "trillion" not in out


@pytest.mark.parametrize("fee, message, hint", [
    ("-5", "-5: a monthly fee must be positive", "e.g. monthly_fee: 480000"),
    ("2000000000000", "2000000000000 is out of range", "a monthly fee above a trillion is not plausible"),
    ("abc", 'expected a number, got "abc"', "write the fee as a plain number, e.g. monthly_fee: 480000"),
])
def test_each_fee_slip_gets_its_own_hint(tmp_path, capsys, fee, message, hint):
    rc, out, _ = _validate(tmp_path, BASE.replace("  monthly_fee: 480000", f"  monthly_fee: {fee}", 1), capsys)
    assert rc == 2 and message in out and hint in out
    assert ("trillion" in out) == (fee == "2000000000000")


def test_a_fee_split_by_yaml_in_an_amendment_flow_mapping(tmp_path, capsys):
    rc, out, lines = _validate(tmp_path, _amended("    contract: {monthly_fee: 520,000}\n"), capsys)
    assert rc == 2
    assert ("amendments[0].contract.000: monthly_fee: 520,000 is read as 520 and a field '000': in {...} a "
            "comma separates fields") in out
    assert "hint: write the fee as a plain number: 520000 (no thousands separator)" in out
    assert "unknown field" not in out and "1 problem(s)" in out and "520,000" in _line(out, lines)


def test_a_split_fee_in_an_amendment_leaves_its_other_fields_checked(tmp_path, capsys):
    rc, out, _ = _validate(tmp_path, _amended("    contract: {monthly_fee: 520,000, currncy: USD}\n"), capsys)
    assert rc == 2 and "amendments[0].contract.000: monthly_fee: 520,000 is read as 520" in out
    assert "amendments[0].contract.currncy: unknown field 'currncy'" in out and "2 problem(s)" in out


def test_a_fee_split_by_yaml_in_the_contract_header_flow_mapping(tmp_path, capsys):
    header = BASE.split("\ncalendars:")[0]
    flow = ("contract: {id: c1, client: Acme, vendor: Nordlys, currency: EUR, timezone: Europe/Paris, "
            "monthly_fee: 480,000, zone: x}")
    rc, out, lines = _validate(tmp_path, BASE.replace(header.split("\ncontract:")[1], "").replace(
        "\ncontract:", "\n" + flow, 1), capsys)
    assert rc == 2
    assert ("contract.000: monthly_fee: 480,000 is read as 480 and a field '000': in {...} a comma separates "
            "fields") in out and "480,000" in _line(out, lines)
    assert "hint: write the fee as a plain number: 480000 (no thousands separator)" in out
    # the other fields are still read: a second slip in the same braces is said too, once
    assert "contract.zone: unknown field 'zone'" in out and "unknown field '000'" not in out
    assert "2 problem(s)" in out


def test_a_negative_fee_in_an_amendment(tmp_path, capsys):
    rc, out, lines = _validate(tmp_path, _amended("    contract: {monthly_fee: -5}\n"), capsys)
    assert rc == 2 and "in the contract as amended from 2026-05-01: -5: a monthly fee must be positive" in out
    assert "trillion" not in out and "-5" in _line(out, lines)


@given(st.integers(min_value=1000, max_value=10**11), st.sampled_from([",", " ", ".", "'"]), st.booleans())
def test_any_grouped_fee_is_told_back_as_its_plain_digits(fee, separator, cents):
    """Whatever the grouping (and cents in the other separator), the fix names the fee's own digits."""
    written = f"{fee:,}".replace(",", separator) + ((".00" if separator != "." else ",00") if cents else "")
    f = Fields("c.yaml", Document({}))
    assert read_fee(f, written, ("contract", "monthly_fee")) is None
    assert [p.hint for p in f.problems] == [f"write the fee as a plain number: {fee} (no thousands separator)"]
