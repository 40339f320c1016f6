"""Golden-structure tests of the HTML scorecards rendered from the hand-built Evaluation fixture.

Pages are parsed (stdlib HTMLParser) and checked for what a reader relies on: a card per entity of
each role, each role's KPIs with the values of the results frame as formatted text, escaped ids,
files inside the output folder, accessible tables, French formats.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixtures_evaluation import HOSTILE_AGENTS, HOSTILE_TEAM, make_evaluation

from scorecard.errors import RenderError
from scorecard.render import format as f
from scorecard.render.files import safe_dirname, safe_filename
from scorecard.render.html import write_scorecards
from scorecard.render.stats import wilson_interval


class Tables(HTMLParser):
    """Rows of every table of a page, by table class: (row header text, [cell texts])."""

    def __init__(self, text: str):
        super().__init__()
        self.tables: list[tuple[str, list[tuple[str, list[str]]]]] = []
        self.lang = ""
        self.th_without_scope = 0
        self.captions = 0
        self._cell: list[str] | None = None
        self._in_body = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "table":
            self.tables.append((a.get("class", ""), []))
        elif tag == "caption":
            self.captions += 1
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.tables[-1][1].append(("", []))
        elif tag in ("th", "td"):
            if tag == "th" and "scope" not in a:
                self.th_without_scope += 1
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("th", "td") and self._cell is not None:
            text = re.sub(r"[ \t\r\n]+", " ", "".join(self._cell)).strip()  # keeps no-break spaces
            if self._in_body:
                header, cells = self.tables[-1][1][-1]
                if tag == "th" and not header and not cells:  # the label: its first text, not notes
                    first = next((c.strip() for c in self._cell if c.strip()), "")
                    self.tables[-1][1][-1] = (first, cells)
                else:
                    cells.append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def rows(self, css_class: str) -> list[tuple[str, list[str]]]:
        return [row for cls, rows in self.tables if css_class in cls.split() for row in rows]


@pytest.fixture(scope="module")
def evaluation():
    return make_evaluation(n_agents=24, agents_per_team=8, hostile=True)


@pytest.fixture(scope="module")
def rendered(evaluation, tmp_path_factory):
    out = tmp_path_factory.mktemp("cards") / "out"
    return out, write_scorecards(evaluation, out)


def page(out: Path, role: str, entity: str) -> Tables:
    return Tables((out / safe_dirname(role) / safe_filename(entity)).read_text(encoding="utf-8"))


def entities_of(evaluation, grain: str) -> set[str]:
    r = evaluation.results
    return set(r.loc[(r["period"] == evaluation.periods[-1]) & (r["grain"] == grain), "entity"])


def test_a_card_for_every_entity_of_every_role_and_the_indexes(evaluation, rendered):
    out, written = rendered
    assert (out / "index.html") in written
    for name, role in evaluation.contract.roles.items():
        folder = out / safe_dirname(name)
        assert (folder / "index.html").is_file()
        expected = {safe_filename(e) for e in entities_of(evaluation, role.grain)}
        if role.grain == "evaluator_id":
            calibration = evaluation.calibration
            expected |= {safe_filename(e) for e in calibration["evaluator_id"] if e != "ALL"}
        assert expected and {p.name for p in folder.glob("*.html")} - {"index.html"} == expected
    top = (out / "index.html").read_text(encoding="utf-8")
    for name in evaluation.contract.roles:
        assert f'href="{safe_dirname(name)}/index.html"' in top


def test_each_card_shows_its_role_kpis_with_the_formatted_values(evaluation, rendered):
    out, _ = rendered
    results, lang, contract = evaluation.results, "en", evaluation.contract
    for name, role in contract.roles.items():
        rows = results[results["grain"] == role.grain]
        entity = sorted(entities_of(evaluation, role.grain))[0]
        table = dict(page(out, name, entity).rows("kpis"))
        assert len(table) == len(role.kpis)
        for kpi in role.kpis:
            label = f.kpi_label(contract, kpi, lang)
            assert label in table, (name, kpi)
            match = rows[(rows["entity"] == entity) & (rows["kpi"] == kpi)]
            if len(match):
                row = match.iloc[0]
                value = f.fmt_value(row["value"], row["unit"], lang, currency=contract.currency)
                cells = table[label]
                assert cells[0].rstrip("†") == value, (name, kpi)
                assert cells[3].endswith(f.status_label(row["status"], lang))
                assert cells[6] == f.fmt_number(row["n"], 0, lang)


def test_hostile_entity_ids_are_escaped_and_stay_in_the_output_folder(rendered):
    out, written = rendered
    root = out.resolve()
    for path in written:
        assert path.resolve().is_relative_to(root)
    assert not (out.parent / "x").exists() and not (out.parent.parent / "x").exists()
    for text in (p.read_text(encoding="utf-8") for p in written):
        assert "<script>alert(1)</script>" not in text
        assert "<img src=x" not in text
    card = (out / "agent" / safe_filename(HOSTILE_AGENTS[1])).read_text(encoding="utf-8")
    assert html.escape(HOSTILE_AGENTS[1], quote=False) in card
    lead = page(out, "team_lead", HOSTILE_TEAM)
    assert {row[0] for row in lead.rows("sortable")} == set(HOSTILE_AGENTS)


def test_team_lead_card_lists_only_its_team_with_quartiles(evaluation, rendered):
    out, _ = rendered
    teams = evaluation.sections["agent_teams"]
    members = set(teams.loc[teams["team_id"] == "T02", "agent_id"])
    rows = page(out, "team_lead", "T02").rows("sortable")
    assert {label for label, _ in rows} == members
    assert all(cells[-1] in {"Q1", "Q2", "Q3", "Q4"} for _, cells in rows)
    text = (out / "team_lead" / safe_filename("T02")).read_text(encoding="utf-8")
    assert f'href="../agent/{safe_filename(sorted(members)[0])}"' in text


def test_trainer_qa_team_and_operations_sections(evaluation, rendered):
    out, _ = rendered
    trainer = page(out, "trainer", "T01").rows("data")
    assert {"compliance", "process", "soft skills"} <= {label for label, _ in trainer}
    assert {"refund", "baggage"} <= {label for label, _ in trainer}
    qa = page(out, "qa_team", "QA-ANNA").rows("data")
    assert [label for label, _ in qa] == ["QA-ANNA", "QA-BRUNO", "QA-CHLOE", "QA-DAVID"]
    ops = page(out, "operations_manager", evaluation.contract.vendor)
    labels = [label for label, _ in ops.rows("data")]
    assert "Total after cap" in labels and f.fmt_period(evaluation.periods[-1], "en") in labels
    assert len(ops.rows("kpis")) == len(evaluation.contract.kpis)


def test_pages_are_accessible_tables(rendered):
    out, written = rendered
    for path in written:
        tables = Tables(path.read_text(encoding="utf-8"))
        assert tables.lang == "en"
        assert tables.th_without_scope == 0, path
        assert tables.captions >= (1 if path.name != "index.html" or path.parent != out else 0)


def test_small_samples_carry_a_wilson_interval(evaluation, rendered):
    out, _ = rendered
    r = evaluation.results
    small = r[(r["grain"] == "agent_id") & (r["kpi"] == "csat") & (r["n"] < 30)].iloc[0]
    low, high = wilson_interval(round(small["value"] * small["n"]), int(small["n"]))
    table = dict(page(out, "agent", small["entity"]).rows("kpis"))
    text = (out / "agent" / safe_filename(small["entity"])).read_text(encoding="utf-8")
    caution = f"small sample (n\u00a0=\u00a0{small['n']}); 95% interval {f.fmt_value(low, 'rate', 'en')} to "
    assert caution + f.fmt_value(high, "rate", "en") in text
    assert "Customer satisfaction" in table


def test_french_cards(evaluation, tmp_path):
    written = write_scorecards(evaluation, tmp_path, role="agent", lang="fr")
    card = Tables((tmp_path / "agent" / safe_filename("AG0001")).read_text(encoding="utf-8"))
    assert card.lang == "fr"
    table = dict(card.rows("kpis"))
    contract, results = evaluation.contract, evaluation.results
    row = results[(results["entity"] == "AG0001") & (results["kpi"] == "csat")].iloc[0]
    expected = f.fmt_value(row["value"], "rate", "fr")
    assert expected.endswith("\u00a0%") and "," in expected
    assert table[f.kpi_label(contract, "csat", "fr")][0] == expected
    assert "Fiches agents" in (tmp_path / "agent" / "index.html").read_text(encoding="utf-8")
    assert len(written) == len(entities_of(evaluation, "agent_id")) + 2


def test_one_role_and_unknown_role(evaluation, tmp_path):
    written = write_scorecards(evaluation, tmp_path, role="qa_team")
    assert {p.parent.name for p in written} == {"qa_team", tmp_path.name}
    with pytest.raises(RenderError) as info:
        write_scorecards(evaluation, tmp_path, role="cfo")
    assert "agent, team_lead, qa_team, trainer, operations_manager" in str(info.value)
    with pytest.raises(RenderError, match="en, fr"):
        write_scorecards(evaluation, tmp_path, lang="de")


def test_a_second_run_removes_cards_of_entities_that_are_gone(tmp_path, evaluation):
    stale = tmp_path / "agent" / "gone-00000000.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old card")
    write_scorecards(evaluation, tmp_path, role="agent")
    assert not stale.exists()
    assert (tmp_path / "agent" / "index.html").exists()
