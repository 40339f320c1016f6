"""Nothing cut: every table cell of the demo and the two real-data decks, in English and French,
holds its text. Measured here with PIL on the font file the deck is drawn in (the renderer uses
FreeType through matplotlib: two measurements of the same font), against the column width and the
row height the deck declares, and no cell may end in an ellipsis."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.util import Emu

from scorecard.contract.loader import load_contract
from scorecard.contract.model import DECK_SECTIONS
from scorecard.data import load_dataset
from scorecard.demo import DEMO_ACTIONS, DEMO_CONTRACT
from scorecard.demo_data import generate
from scorecard.demo_data.setting import DEMO_MONTHS
from scorecard.evaluate import evaluate, resolve_periods
from scorecard.periods import parse_period
from scorecard.render.deck import write_deck
from scorecard.render.deck.measure import _font
from scorecard.resources import shipped

ROOT = Path(__file__).resolve().parent.parent
EMU_PER_PT = 12700
LINE_PT = 11 * 1.2


def _demo(tmp: Path):
    generate(tmp / "data")
    contract = load_contract(shipped(DEMO_CONTRACT))
    dataset = load_dataset(tmp / "data", contract=contract)
    return evaluate(contract, dataset, [parse_period(m) for m in DEMO_MONTHS]), shipped(DEMO_ACTIONS)


def _real(contract: str, data: str, mapping: str, period: str):
    c = load_contract(ROOT / contract)
    dataset = load_dataset(ROOT / data, contract=c, mapping=mapping)
    return evaluate(c, dataset, resolve_periods(dataset, c, period=period)), None


SOURCES = {
    "demo": _demo,
    "pwc": lambda tmp: _real("contracts/pwc-call-center.yaml", "examples/data/pwc-call-center/call-center.xlsx",
                             "pwc-call-center", "2021-Q1"),
    "tickets": lambda tmp: _real("contracts/support-tickets.yaml",
                                 "examples/data/support-tickets/customer_support_tickets.csv",
                                 "support-tickets", "2023-06"),
}


def _pil(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font(bold).fname, 1100)  # 100 units per point


def _problems(prs: Presentation) -> list[str]:
    fonts = {False: _pil(False), True: _pil(True)}
    found = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            table = shape.table
            bottom = shape.top + sum(row.height for row in table.rows)
            if bottom > prs.slide_height:
                found.append(f"slide {number}: table runs {Emu(bottom - prs.slide_height).pt:.0f} pt off the slide")
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    room = (table.columns[c].width - cell.margin_left - cell.margin_right) / EMU_PER_PT
                    paragraphs = cell.text_frame.paragraphs
                    for para in paragraphs:
                        text = "".join(run.text for run in para.runs)
                        bold = bool(para.runs and para.runs[0].font.bold)
                        width = fonts[bold].getlength(text) / 100
                        if "…" in text or "..." in text:
                            found.append(f"slide {number} row {r} col {c}: cut text {text!r}")
                        if width > room:
                            found.append(f"slide {number} row {r} col {c}: {text!r} is {width:.0f} pt in {room:.0f} pt")
                    if len(paragraphs) * LINE_PT > row.height / EMU_PER_PT:
                        found.append(f"slide {number} row {r} col {c}: {len(paragraphs)} lines in "
                                     f"{row.height / EMU_PER_PT:.0f} pt")
    return found


def _every_section(evaluation):
    """The evaluation with a contract listing every deck section (root causes, integrity, trends...
    included), so every table the deck can draw is measured; sections without data still skip."""
    contract = evaluation.contract
    return replace(evaluation, contract=replace(contract, governance=replace(contract.governance,
                                                                             sections=DECK_SECTIONS)))


@pytest.fixture(scope="module", params=list(SOURCES))
def source(request, tmp_path_factory):
    evaluation, actions = SOURCES[request.param](tmp_path_factory.mktemp(request.param))
    return request.param, (_every_section(evaluation), actions)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_table_cell_holds_its_text(source, lang, tmp_path):
    name, (evaluation, actions) = source
    out = write_deck(evaluation, tmp_path / f"{name}-{lang}.pptx", lang=lang, actions=actions)
    prs = Presentation(str(out))
    assert any(shape.has_table for slide in prs.slides for shape in slide.shapes)
    assert _problems(prs) == []
