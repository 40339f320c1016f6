"""The contract's credit rules under the credits table are drawn where a slide viewer shows them: in a
text box, never in a table placeholder's hidden text frame, and on a slide of their own when a year of
credit lines leaves no room under the table."""

from __future__ import annotations


from pptx import Presentation
from pptx.shapes.placeholder import TablePlaceholder
from test_amendments import AMENDMENT, BASE, data  # noqa: F401 (data: the amendment tests' data fixture)

from scorecard.cli import main
from scorecard.render.deck.layout import DeckCanvas
from scorecard.render.deck.tables import Line, lines_fit, write_lines


def test_lines_written_in_a_table_slot_go_to_a_visible_text_box():
    canvas = DeckCanvas(None)
    slot = canvas.add("table", "Rules")[0]
    write_lines(slot, [Line("At risk: 12% of the monthly fee")])
    holders = [s for s in slot.slide.shapes if s.has_text_frame and "At risk" in s.text_frame.text]
    assert len(holders) == 1 and not isinstance(holders[0], TablePlaceholder)
    assert not any(isinstance(s, TablePlaceholder) for s in slot.slide.shapes)  # the empty placeholder is gone


def test_lines_fit_says_when_a_slot_is_too_small():
    canvas = DeckCanvas(None)
    slot = canvas.add("table", "Rules")[0]
    lines = [Line(f"rule {i}") for i in range(4)]
    assert lines_fit(slot, lines)
    top, _ = slot.caption(slot.box.height // 40)
    assert not lines_fit(top, lines)


def test_a_year_of_credit_lines_keeps_every_rule_on_a_slide(data, tmp_path):  # noqa: F811 (the fixture)
    text = BASE.replace("  pool: 200%", "  pool: 250%").replace("    qa_calibration: 15%\n  earn_back",
                        "    qa_calibration: 15%\n    aht: {voice: 10%, chat: 10%}\n  earn_back")
    path = tmp_path / "amended.yaml"
    path.write_text(text + AMENDMENT, encoding="utf-8")
    deck = tmp_path / "d.pptx"
    assert main(["deck", str(path), "--data", str(data), "--period", "2026", "--out", str(deck), "-q"]) == 0
    slides = [s for s in Presentation(str(deck)).slides
              if s.shapes.title is not None and s.shapes.title.text.startswith("Service credits")]
    boxes = [s for slide in slides for s in slide.shapes
             if s.has_text_frame and "At risk: 12% of the monthly fee" in s.text_frame.text]
    assert boxes and not any(isinstance(b, TablePlaceholder) for b in boxes)
    said = "\n".join(b.text_frame.text for b in boxes)
    assert "€480,000 = €57,600" in said and "€500,000 = €60,000" in said  # each version's at-risk amount
