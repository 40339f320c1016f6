"""Review advice on the transition and escalation clauses, located at their lines."""

from __future__ import annotations

from test_review_rules import findings, rules


def _transition(until: str, credits: str = "waived"):
    def change(doc):
        doc["service_credits"]["transition"] = {"until": until, "credits": credits}
    return change


def test_a_transition_of_six_months_is_fine_seven_is_advice(tmp_path):
    # effective 2026-01-01: until 2026-07-01 covers January to June
    assert "transition_long" not in rules(findings(tmp_path, _transition("2026-07-01")))
    found = [f for f in findings(tmp_path, _transition("2026-07-15", "reduced 50%")) if f.rule == "transition_long"]
    assert len(found) == 1 and found[0].severity == "advice"
    assert found[0].message == "the transition lasts 7 months (2026-01 to 2026-07), with credits reduced by 50%"
    assert "until: 2026-07-01" in found[0].suggestion
    text = (tmp_path / "c.yaml").read_text().splitlines()
    assert "until:" in text[found[0].line - 1]


def _escalation(values, allocations=None):
    def change(doc):
        doc["service_credits"]["escalation"] = values
        if allocations:
            doc["service_credits"]["allocations"] = allocations
    return change


def test_an_escalation_only_the_cap_can_stop_is_advice(tmp_path):
    # allocations add up to 100 % of the at-risk amount: x 1.5 can reach 150 %
    found = [f for f in findings(tmp_path, _escalation([1, 1.5])) if f.rule == "escalation_uncapped"]
    assert len(found) == 1 and found[0].severity == "advice"
    assert found[0].message.startswith("escalation x 1.5 can take the credits to 150% of the at-risk amount")
    assert "allocations adding up to 67% or less" in found[0].suggestion
    assert "escalation:" in (tmp_path / "c.yaml").read_text().splitlines()[found[0].line - 1]
    # 25 % + 25 % x 2 stays within the at-risk amount: the escalation is bounded by itself
    assert "escalation_uncapped" not in rules(findings(tmp_path, _escalation([1, 2], {"fcr": "25%", "aht": "25%"})))


def test_per_channel_allocations_count_as_credited(tmp_path):
    def change(doc):
        doc["kpis"]["fcr"]["per_channel_minimums"] = {"voice": ">= 60%", "chat": ">= 60%"}
        doc["service_credits"]["allocations"] = {"fcr": {"voice": "30%", "chat": "30%"}, "aht": "40%"}
        doc["scoring"]["weights"] = {"aht": 100}
    found = findings(tmp_path, change)
    assert [f.kpi for f in found if f.rule == "unweighted"] == ["fcr"]
    assert [f.kpi for f in found if f.rule == "allocation_concentrated"] == ["fcr"]  # 60 % of the pool
