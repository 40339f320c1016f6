"""The contract clauses the cards read: labels per language and per-role sample sizes.

Each test edits the shipped sketch in one place, then checks the loaded contract, the located
problem of a wrong clause, or the status the scoring gives.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from scorecard.catalog import catalog
from scorecard.contract.loader import load_contract, validate_files
from scorecard.render import format as f
from scorecard.scoring import min_sample, score_results

ROOT = Path(__file__).resolve().parents[1]
SKETCH = (ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text()
CSAT = """  csat:
    metric: csat
"""


def write(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = SKETCH
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    return [f"{p.field} @ {p.line}: {p.message} | {p.hint}" for p in validate_files([path])]


FR = ("  monthly_fee: 480000\n", "  monthly_fee: 480000\n  language: fr\n")


def test_a_label_per_language_resolves_to_the_contract_language(tmp_path):
    path = write(tmp_path, FR, (CSAT, CSAT + "    label: {en: Customer satisfaction, fr: Satisfaction client}\n"))
    contract = load_contract(path)
    spec = contract.kpis["csat"]
    assert spec.label == "Satisfaction client"  # a str in the contract's language: readers unchanged
    assert spec.labels == {"en": "Customer satisfaction", "fr": "Satisfaction client"}
    assert f.kpi_label(contract, "csat", "fr") == "Satisfaction client"
    assert f.kpi_label(contract, "csat", "en") == "Customer satisfaction"


def test_a_plain_label_stays_valid_and_names_the_kpi_in_every_language(tmp_path):
    contract = load_contract(write(tmp_path, (CSAT, CSAT + "    label: Note de satisfaction\n"), FR))
    assert contract.kpis["csat"].label == "Note de satisfaction"
    assert f.kpi_label(contract, "csat", "fr") == "Note de satisfaction"
    # the only name the author gave: it tells the KPI apart where the catalog label may not
    assert f.kpi_label(contract, "csat", "en") == "Note de satisfaction"
    assert f.kpi_label(contract, "aht", "en") == catalog()["average_handle_time"].label["en"]


def test_a_label_in_an_unknown_language_is_refused_at_its_line(tmp_path):
    path = write(tmp_path, (CSAT, CSAT + "    label: {en: Satisfaction, de: Zufriedenheit}\n"))
    found = problems_of(path)
    assert len(found) == 1, found
    assert found[0].startswith("kpis.csat.label.de @ ")
    assert "unknown language 'de'" in found[0] and "en, fr" in found[0]


def test_a_label_without_the_contract_language_says_which_to_add(tmp_path):
    path = write(tmp_path, FR, (CSAT, CSAT + "    label:\n      en: Customer satisfaction\n"))
    found = problems_of(path)
    assert len(found) == 1, found
    assert found[0].startswith("kpis.csat.label @ ")
    assert "no 'fr' text" in found[0] and "add `fr: ...` under label" in found[0]


def test_an_empty_label_text_is_refused(tmp_path):
    found = problems_of(write(tmp_path, (CSAT, CSAT + '    label: {en: ""}\n')))
    assert [p.split(" @ ")[0] for p in found] == ["kpis.csat.label.en"]


ROLE = "  team_lead:\n    grain: team_id\n"


def test_a_role_min_sample_overrides_the_kpi_at_that_grain_only(tmp_path):
    contract = load_contract(write(tmp_path, (ROLE, ROLE + "    min_sample: {csat: 30}\n")))
    assert contract.kpis["csat"].min_sample == 100  # the sketch's
    assert contract.roles["team_lead"].min_sample == {"csat": 30}
    assert min_sample(contract, "csat", "team_id") == 30
    assert min_sample(contract, "csat", "vendor") == 100
    assert min_sample(contract, "csat", "agent_id") == 100
    assert min_sample(contract, "aht", "team_id") == 1

    def row(grain: str, n: int) -> dict:
        return {"period": "2026-03", "kpi": "csat", "metric": "csat", "grain": grain, "entity": "x",
                "value": 0.9, "n": n, "provisional": False, "note": ""}
    raw = pd.DataFrame([row("team_id", 40), row("vendor", 40), row("team_id", 29)])
    scored = score_results(raw, contract)
    # hand-computed: 40 >= 30 at team grain is judged; 40 < 100 at vendor grain and 29 < 30 are not
    assert scored["status"].tolist()[1:] == ["insufficient_sample", "insufficient_sample"]
    assert scored["status"].iloc[0] == "green"  # 90 % >= 85 %
    assert not math.isnan(scored["points"].iloc[0])


@pytest.mark.parametrize("clause, field, words", [
    ("{csta: 30}", "roles.team_lead.min_sample.csta", 'did you mean "csat"'),
    ("{csat: 0}", "roles.team_lead.min_sample.csat", "must be >= 1"),
    ("{csat: 2.5}", "roles.team_lead.min_sample.csat", "whole number"),
    ("30", "roles.team_lead.min_sample", "expected a mapping"),
])
def test_a_wrong_role_min_sample_is_located(tmp_path, clause, field, words):
    found = problems_of(write(tmp_path, (ROLE, ROLE + f"    min_sample: {clause}\n")))
    assert len(found) == 1, found
    assert found[0].startswith(field + " @ ") and words in found[0], found


def test_a_vendor_role_cannot_change_the_credited_sample_size(tmp_path):
    role = "  operations_manager:\n    grain: vendor\n"
    found = problems_of(write(tmp_path, (role, role + "    min_sample: {csat: 30}\n")))
    assert len(found) == 1 and found[0].startswith("roles.operations_manager.min_sample @ ")
    assert "kpis.ID.min_sample" in found[0]
