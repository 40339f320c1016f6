"""The monthly cap is one figure: at_risk x monthly fee rounded to the minor unit (money.py), the same
in credits.csv's audit sentences, on the deck's credits slide and on the operations manager's card.

An odd fee makes the float product land just beside a rounding boundary: 100,000.04 x 12.5 % is
12,500.005 (12,500.01 EUR; a float reads 12,500.00 on a card) and 100,011.96 x 12.5 % is 12,501.495
(12,501.50 EUR, shown in whole euros on a slide as 12,502; a float reads 12,501).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from fixtures_deck import make_evaluation, sketch_contract
from pptx import Presentation

from scorecard import explain
from scorecard.render.deck import write_deck
from scorecard.render.files import safe_dirname, safe_filename
from scorecard.render.html import write_scorecards

CASES = [(100000.04, Decimal("12500.01"), "€12,500.01", "€12,500"),
         (100011.96, Decimal("12501.50"), "€12,501.50", "€12,502")]


def _odd_fee_evaluation(fee: float):
    contract = sketch_contract()
    clause = replace(contract.service_credits, at_risk=0.125)
    return make_evaluation(replace(contract, monthly_fee=fee, service_credits=clause))


@pytest.mark.parametrize(("fee", "cap", "card_text", "deck_text"), CASES)
def test_the_cap_reads_the_same_in_credits_deck_and_card(fee, cap, card_text, deck_text, tmp_path):
    evaluation = _odd_fee_evaluation(fee)
    credits = evaluation.credits
    total = credits[(credits["kpi"] == "TOTAL") & (credits["period"] == "2026-03")].iloc[0]
    assert explain.money(cap, "EUR", "en") in total["explanation"]  # "12,501.50 EUR" in the audit sentence

    deck = write_deck(evaluation, tmp_path / "deck.pptx")
    slide = next(s for s in Presentation(str(deck)).slides
                 if s.shapes.title is not None and s.shapes.title.text.startswith("Service credits"))
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    cells = [c.text for s in slide.shapes if s.has_table for r in s.table.rows for c in r.cells]
    assert any(t.endswith(f"= {deck_text}") for line in texts for t in line.splitlines() if "At risk" in t)
    assert f", {deck_text}) = " in next(c for c in cells if c.startswith("min("))  # the TOTAL row's cap

    write_scorecards(evaluation, tmp_path / "cards", role="operations_manager")
    card = (tmp_path / "cards" / safe_dirname("operations_manager")
            / safe_filename(evaluation.contract.vendor)).read_text(encoding="utf-8")
    assert f"at risk: {card_text}" in card
