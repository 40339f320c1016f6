"""The governance deck, read back with python-pptx as a user's PowerPoint would open it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Emu

from fixtures_deck import make_evaluation, sketch_contract, with_kpis
from scorecard.contract.model import DECK_SECTIONS
from scorecard.errors import RenderError
from scorecard.render.deck.images import bias_chart
from scorecard.render.deck import write_deck
from scorecard.render.deck.tables import RAG
from scorecard.render.deck.text import word
from scorecard.render.format import fmt_money, fmt_value

ACTIONS = """\
- id: A-1
  title: Late and still open
  owner: Vendor operations manager
  due: 2026-02-15
  status: open
  kpi: fcr
- id: A-2
  title: Late but done
  owner: Vendor QA lead
  due: 2026-02-01
  status: done
- id: A-3
  title: Due after the period
  owner: Client vendor manager
  due: 2026-04-30
  status: in_progress
"""


def _titles(prs: Presentation) -> list[str]:
    return [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]


def _section_of(title: str, lang: str = "en") -> str | None:
    """The section a slide title belongs to (its first words are the section's name)."""
    for key in DECK_SECTIONS:
        if title.startswith(word(key, lang) + " - "):
            return key
    return None


def _tables(slide):
    return [shape.table for shape in slide.shapes if shape.has_table]


@pytest.fixture(scope="module")
def evaluation():
    return make_evaluation()


@pytest.fixture(scope="module")
def actions_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("actions") / "actions.yaml"
    path.write_text(ACTIONS, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def deck(evaluation, actions_file, tmp_path_factory) -> Presentation:
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    assert write_deck(evaluation, out, actions=actions_file) == out
    return Presentation(str(out))


def test_16_9_cover_agenda_then_sections_in_contract_order(deck, evaluation):
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))
    titles = _titles(deck)
    assert titles[0].startswith("Governance forum - Acme Travel")
    assert titles[1] == "Agenda"
    seen = [s for s in (_section_of(t) for t in titles[2:]) if s]
    order = list(dict.fromkeys(seen))
    assert order == list(evaluation.contract.governance.sections)
    agenda_text = " ".join(sh.text_frame.text for sh in deck.slides[1].shapes if sh.has_text_frame)
    for attendee in evaluation.contract.governance.attendees:
        assert attendee in agenda_text


def test_service_level_table_matches_results(deck, evaluation):
    rows = {}
    for slide in deck.slides:
        if _section_of(slide.shapes.title.text) == "service_levels":
            for table in _tables(slide):
                for r in list(table.rows)[1:]:
                    rows[r.cells[0].text] = [c.text for c in r.cells]
    results = evaluation.results
    vendor = results[(results.grain == "vendor") & (results.period == "2026-03")]
    assert len(rows) == len(vendor) == len(evaluation.contract.kpis)
    from scorecard.render.format import kpi_label, status_label
    for r in vendor.itertuples():
        cells = rows[kpi_label(evaluation.contract, r.kpi, "en")]
        assert cells[1] == fmt_value(r.value, r.unit, "en", currency="EUR")
        assert cells[4] == status_label(r.status, "en")


def test_status_cells_are_coloured_and_worded(deck):
    slide = next(s for s in deck.slides if _section_of(s.shapes.title.text) == "service_levels")
    table = _tables(slide)[0]
    words = {"Met": "green", "Below target": "amber", "Missed": "red"}
    checked = 0
    for row in list(table.rows)[1:]:
        status = words.get(row.cells[4].text)
        if status:
            assert row.cells[4].fill.fore_color.rgb == RAG[status][0]
            checked += 1
    assert checked


def test_charts_are_native(deck):
    charts = [sh.chart for s in deck.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) >= 5
    reasons = next(s for s in deck.slides if _section_of(s.shapes.title.text) == "contact_reasons")
    pareto = next(sh.chart for sh in reasons.shapes if sh.has_chart)
    kinds = {type(p).__name__ for p in pareto.plots}
    assert kinds == {"BarPlot", "LinePlot"}  # columns of volume + cumulative share line


def test_notes_carry_definitions_and_credit_explanations(deck):
    notes = {s.shapes.title.text: s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide}
    levels = next(v for k, v in notes.items() if k.startswith("Service levels"))
    assert "Formula: answered within" in levels
    credits = next(v for k, v in notes.items() if k.startswith("Service credits"))
    assert "57,600 EUR at risk (12 % x 480,000 EUR)" in credits  # the TOTAL's explanation, from credits.py


def test_24_kpi_table_paginates_without_overflow(tmp_path):
    contract = with_kpis(sketch_contract(), 24)
    contract = replace(contract, governance=replace(contract.governance, sections=("service_levels",)))
    out = write_deck(make_evaluation(contract), tmp_path / "deck.pptx")
    prs = Presentation(str(out))
    pages = [s for s in prs.slides if _section_of(s.shapes.title.text) == "service_levels"]
    assert len(pages) >= 2
    assert pages[0].shapes.title.text.endswith(f"(1/{len(pages)})")
    body_rows = 0
    for slide in pages:
        frame = next(sh for sh in slide.shapes if sh.has_table)
        height = sum(row.height for row in frame.table.rows)
        assert frame.top + height <= prs.slide_height  # rows never run off the slide
        body_rows += len(frame.table.rows) - 1
    assert body_rows == 24


def test_sections_without_data_are_skipped_and_noted(tmp_path):
    evaluation = make_evaluation(sections=False, calibration=False)
    prs = Presentation(str(write_deck(evaluation, tmp_path / "deck.pptx")))
    present = {_section_of(t) for t in _titles(prs)}
    assert not present & {"workforce", "contact_reasons", "calibration", "actions"}
    summary = next(s for s in prs.slides if _section_of(s.shapes.title.text) == "summary")
    text = " ".join(sh.text_frame.text for sh in summary.shapes if sh.has_text_frame)
    assert "Not shown: Workforce (no workforce data)" in text
    assert "Not shown: Actions (no actions file)" in text
    assert "Not shown: QA calibration (no calibration sessions this period)" in text


def test_overdue_actions_are_highlighted(deck):
    slide = next(s for s in deck.slides if _section_of(s.shapes.title.text) == "actions")
    assert "1 overdue of 2 open" in slide.shapes.title.text
    rows = {r.cells[0].text: r.cells for r in list(_tables(slide)[0].rows)[1:]}
    assert rows["A-1"][4].text.startswith("OVERDUE")
    assert rows["A-1"][4].fill.fore_color.rgb == RAG["red"][0]
    assert "OVERDUE" not in rows["A-2"][4].text  # late but done
    assert "OVERDUE" not in rows["A-3"][4].text  # not yet due
    assert list(rows)[0] == "A-1"  # overdue first


def test_french_deck(evaluation, tmp_path):
    prs = Presentation(str(write_deck(evaluation, tmp_path / "deck.pptx", lang="fr")))
    titles = _titles(prs)
    assert titles[1] == "Ordre du jour"
    assert any(t.startswith("Synthèse - mars 2026") for t in titles)
    assert any(t.startswith("Niveaux de service") for t in titles)


def _trend_charts(evaluation, tmp_path, lang="en"):
    contract = replace(evaluation.contract,
                       governance=replace(evaluation.contract.governance, sections=("trends",)))
    prs = Presentation(str(write_deck(replace(evaluation, contract=contract), tmp_path / f"d-{lang}.pptx",
                                      lang=lang)))
    return {c.chart_title.text_frame.text: c for s in prs.slides for sh in s.shapes if sh.has_chart
            for c in [sh.chart]}


def test_trends_one_kpi_per_chart_with_its_target_and_minimum(evaluation, tmp_path):
    charts = _trend_charts(evaluation, tmp_path)
    vendor = evaluation.results[evaluation.results.grain == "vendor"]
    assert len(charts) == len(vendor)
    from scorecard.render.format import kpi_label
    for r in vendor.itertuples():
        name = kpi_label(evaluation.contract, r.kpi, "en")
        chart = next(c for t, c in charts.items() if t == name or t.startswith(name + " ("))
        series = [s.name for s in chart.plots[0].series]
        assert series[0] == name
        assert any(n.startswith("Target ") for n in series) == bool(isinstance(r.target, str) and r.target)
        assert any(n.startswith("Minimum ") for n in series) == bool(isinstance(r.minimum, str) and r.minimum)
        if r.unit in ("rate", "count", "points", "duration"):
            assert chart.value_axis.minimum_scale == 0


def test_trend_durations_in_the_tables_unit_and_numbers_in_the_decks_language(evaluation, tmp_path):
    from scorecard.render.deck.trends import duration_axis
    assert duration_axis(42, "en").unit == "s" and duration_axis(450, "en").divisor == 60
    assert duration_axis(6480, "en").divisor == 3600  # the table writes 1.8 h, the chart hours too
    fr = _trend_charts(evaluation, tmp_path, "fr")
    formats = {c.value_axis.tick_labels.number_format for c in fr.values()}
    assert formats and all(f.startswith("[$-40C]") for f in formats)
    assert '[$-40C]0"\u00a0"%' in formats


def test_corporate_template_fallback_by_placeholders(evaluation, tmp_path):
    """python-pptx's own template has standard names but no chart/table layouts: fallbacks apply."""
    template = tmp_path / "corporate.pptx"
    Presentation().save(str(template))
    prs = Presentation(str(write_deck(evaluation, tmp_path / "deck.pptx", template=template)))
    assert any(sh.has_table for s in prs.slides for sh in s.shapes)
    assert any(sh.has_chart for s in prs.slides for sh in s.shapes)


def test_unusable_template_and_language(evaluation, tmp_path):
    with pytest.raises(RenderError, match="does not exist"):
        write_deck(evaluation, tmp_path / "d.pptx", template=tmp_path / "missing.pptx")
    with pytest.raises(RenderError, match="language"):
        write_deck(evaluation, tmp_path / "d.pptx", lang="de")


def test_written_atomically(evaluation, tmp_path):
    out = tmp_path / "deck.pptx"
    write_deck(evaluation, out)
    write_deck(evaluation, out)
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]


def test_bias_chart_leaves_matplotlib_settings_alone():
    before = dict(matplotlib.rcParams)
    png = bias_chart(["A", "B"], [1.0, -6.0], [2.0, 1.0], 5.0, xlabel="bias", band_label="tolerance")
    assert png.getvalue().startswith(b"\x89PNG")
    assert dict(matplotlib.rcParams) == before


def test_quarter_deck_shows_each_months_credits_and_the_total(evaluation, tmp_path):
    """A QBR deck keeps the credits slide: one column per month, paid after cap, and the span's total."""
    quarter = replace(evaluation, periods=("2026-Q1",),
                      contract=replace(evaluation.contract, governance=replace(
                          evaluation.contract.governance, sections=("service_credits",))))
    prs = Presentation(str(write_deck(quarter, tmp_path / "qbr.pptx")))
    slide = next(s for s in prs.slides if s.shapes.title.text.startswith("Service credits - Q1 2026"))
    table = _tables(slide)[0]
    assert [c.text for c in table.rows[0].cells] == ["KPI", "Jan 2026", "Feb 2026", "Mar 2026", "Total after cap"]
    credits = evaluation.credits
    total = credits[(credits.kpi == "TOTAL") & credits.period.isin(["2026-01", "2026-02", "2026-03"])]["paid"].sum()
    last = [c.text for c in list(table.rows)[-1].cells]
    assert last[0] == "Total after cap"
    assert last[-1] == fmt_money(float(total), "en", "EUR", decimals=0)


def test_per_channel_targets_give_indented_channel_rows_scored_on_their_own(evaluation, tmp_path):
    kpi = next(k for k, s in evaluation.contract.kpis.items() if s.per_channel_targets)
    res = evaluation.results
    base = res[(res.grain == "vendor") & (res.kpi == kpi)].iloc[0].to_dict()
    extra = pd.DataFrame([{**base, "grain": "channel", "entity": "voice", "value": 500.0, "target": "<= 7m",
                           "status": "red"},
                          {**base, "grain": "channel", "entity": "chat", "value": 600.0, "target": "<= 12m",
                           "status": "green"}])
    shown = replace(evaluation, results=pd.concat([res, extra], ignore_index=True))
    prs = Presentation(str(write_deck(shown, tmp_path / "channels.pptx")))
    rows = [[c.text for c in r.cells] for s in prs.slides if _section_of(s.shapes.title.text) == "service_levels"
            for t in _tables(s) for r in t.rows]
    from scorecard.render.format import kpi_label
    at = next(i for i, r in enumerate(rows) if r[0] == kpi_label(evaluation.contract, kpi, "en"))
    assert [r[0] for r in rows[at + 1:at + 3]] == ["\u2003voice", "\u2003chat"]
    assert rows[at + 1][2] == "≤\u00a07\u00a0min" and rows[at + 1][4] == "Missed"
    assert rows[at + 2][2] == "≤\u00a012\u00a0min" and rows[at + 2][4] == "Met"
