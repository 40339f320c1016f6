"""Golden structure tests of the card elements added for the forum story and the program view:
labels per language, French typography, per-role sample sizes with intervals in the team table,
the QA and trainer sections, trend windows, integrity signals, guardrails and benchmarks.

Each test renders the fixture Evaluation (tests/fixtures_evaluation.py) edited in one place and
reads the page back with the same table parser as test_html_scorecards.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape
from fixtures_evaluation import MONTHS, make_evaluation
from test_html_scorecards import Tables

from scorecard.render import format as f
from scorecard.render.files import safe_dirname, safe_filename
from scorecard.render.html import write_scorecards
from scorecard.render.stats import wilson_interval

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def evaluation():
    return make_evaluation(n_agents=16, agents_per_team=8)


def html_of(out: Path, role: str, entity: str) -> str:
    return (out / safe_dirname(role) / safe_filename(entity)).read_text(encoding="utf-8")


def section(html: str, title: str) -> str:
    """The markup of one <section> by its heading."""
    found = re.search(r'<section class="section">\s*<h2>' + re.escape(str(escape(title))) + r"</h2>(.*?)</section>", html, re.S)
    assert found, f"no section {title!r}"
    return found.group(1)


def test_labels_per_language_on_cards_in_both_languages(evaluation, tmp_path):
    spec = evaluation.contract.kpis["aht"]
    labels = {"en": "Time per contact", "fr": "Durée par contact"}
    contract = replace(evaluation.contract, language="fr",
                       kpis={**evaluation.contract.kpis, "aht": replace(spec, label=labels["fr"], labels=labels)})
    ev = replace(evaluation, contract=contract)
    for lang in ("fr", "en"):
        out = tmp_path / lang
        write_scorecards(ev, out, role="team_lead", lang=lang)
        html = html_of(out, "team_lead", "T01")
        rows = [label for label, _ in Tables(html).rows("kpis")]
        assert labels[lang] in rows
        assert labels["fr" if lang == "en" else "en"] not in html
        assert "aht" not in rows  # never the KPI id


def test_french_cards_put_a_no_break_space_before_every_colon(tmp_path):
    # built in French, so the credit and score explanations are French too
    write_scorecards(make_evaluation(n_agents=16, agents_per_team=8, language="fr"), tmp_path)
    for path in tmp_path.rglob("*.html"):
        text = re.sub(r"<(script|style)>.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
        words = re.sub(r"<[^>]+>", "", text)
        # a colon after a letter or a space in running text, not in times (12:30) or URLs
        bad = re.findall(r"\w{2} :|\w{2}:(?=\s)", words.replace(NBSP + ":", ""))
        assert not bad, (path.name, bad[:3])


def test_trend_window_starts_at_the_data_first_month(evaluation, tmp_path):
    first = MONTHS[-3]  # the history holds only the last three months
    history = evaluation.history[evaluation.history["period"] >= first]
    out = tmp_path / "out"
    write_scorecards(replace(evaluation, history=history), out, role="agent")
    html = html_of(out, "agent", "AG0001")
    heading = f.t("trend_label", "en", first=f.fmt_period(first, "en", short=True),
                  last=f.fmt_period(MONTHS[-1], "en", short=True))
    assert heading in html
    # every sparkline has three points, none for the months before the data
    label = re.search(r'<svg class="spark"[^>]*aria-label="([^"]+)"', html).group(1)
    assert label.count(",") == 2, label


def test_team_table_shows_a_small_sample_value_greyed_with_its_wilson_interval(evaluation, tmp_path):
    write_scorecards(evaluation, tmp_path, role="team_lead")
    html = section(html_of(tmp_path, "team_lead", "T01"), f.t("team_agents", "en"))
    r = evaluation.results
    csat = r[(r["grain"] == "agent_id") & (r["kpi"] == "csat") & (r["status"] == "insufficient_sample")
             & r["entity"].isin([f"AG{i:04d}" for i in range(1, 9)])].iloc[0]
    n = int(csat["n"])
    low, high = wilson_interval(round(csat["value"] * n), n)
    cell = re.search(r'<td data-sort="' + re.escape(repr(float(csat["value"]))) + r'" class="num insufficient">(.*?)</td>',
                     html, re.S)
    assert cell, "the CSAT cell of a small sample is greyed (class insufficient)"
    text = cell.group(1)
    assert f.fmt_value(csat["value"], "rate", "en") in text  # the value, not only "?"
    assert f"n{NBSP}={NBSP}{n}" in text and f.fmt_value(low, "rate", "en") in text and f.fmt_value(high, "rate", "en") in text
    assert 'class="detail"' in text


def test_a_role_min_sample_changes_what_the_agent_cards_judge(evaluation, tmp_path):
    from scorecard.scoring import score_results
    agent = replace(evaluation.contract.roles["agent"], min_sample={"csat": 2})
    contract = replace(evaluation.contract, roles={**evaluation.contract.roles, "agent": agent})
    scored = score_results(evaluation.results.drop(columns=["guardrail"]), contract)
    agents = scored[(scored["grain"] == "agent_id") & (scored["kpi"] == "csat")]
    assert not (agents["status"] == "insufficient_sample").any()  # every fixture agent has n >= 2
    vendor = scored[(scored["grain"] == "vendor") & (scored["kpi"] == "csat")]
    assert (vendor["n"] < 100).sum() == (vendor["status"] == "insufficient_sample").sum()


def test_calibration_bars_are_coloured_by_tendency_with_the_tolerance_band(evaluation, tmp_path):
    write_scorecards(evaluation, tmp_path, role="qa_team")
    html = section(html_of(tmp_path, "qa_team", "QA-ANNA"), f.t("calibration", "en"))
    cal = evaluation.calibration
    rows = cal[(cal["period"] == MONTHS[-1]) & (cal["evaluator_id"] != "ALL")].sort_values("evaluator_id")
    bars = re.findall(r'class="bias-bar([^"]*)"', html)
    assert len(bars) == len(rows)
    for (_, row), classes in zip(rows.iterrows(), bars):
        assert f"bias-{row['tendency']}" in classes.split()
        assert ("bias-out" in classes.split()) == (abs(row["bias"]) > 5)
    assert html.count('class="bias-band"') == len(rows)
    for x, width in re.findall(r'<rect x="([\d.]+)" y="1" width="([\d.]+)"[^>]*class="bias-band"', html):
        assert 0 < float(x) and float(x) + float(width) < 160  # both edges of the band in view
    assert html.count('class="bias-edge"') == 2 * len(rows)
    assert "±5 points" in html and "tolerance" in html and "--" not in html


def test_trainer_card_says_why_dissatisfaction_by_reason_is_empty(evaluation, tmp_path):
    no_reason = evaluation.results[evaluation.results["grain"] != "reason"]
    ev = replace(evaluation, results=no_reason, sections={**evaluation.sections, "dsat_reasons": pd.DataFrame()})
    write_scorecards(ev, tmp_path, role="trainer")
    html = section(html_of(tmp_path, "trainer", "T01"), f.t("dsat_reasons", "en"))
    assert escape(f.t("no_dsat_reasons_data", "en")) in html


def test_trainer_card_says_why_qa_errors_are_empty(evaluation, tmp_path):
    others = {k: v for k, v in evaluation.sections.items() if k != "qa_errors_by_category"}
    write_scorecards(replace(evaluation, sections=others), tmp_path / "none", role="trainer")
    html = section(html_of(tmp_path / "none", "trainer", "T01"), f.t("qa_errors", "en"))
    assert escape(f.t("no_qa_items", "en")) in html
    errors = evaluation.sections["qa_errors_by_category"]
    only_t02 = {**evaluation.sections, "qa_errors_by_category": errors[errors["entity"] == "T02"]}
    write_scorecards(replace(evaluation, sections=only_t02), tmp_path / "t02", role="trainer")
    html = section(html_of(tmp_path / "t02", "trainer", "T01"), f.t("qa_errors", "en"))
    assert escape(f.t("no_qa_errors", "en", period="March 2026")) in html


def test_trainer_card_shows_reasons_without_a_dsat_kpi_and_says_so(evaluation, tmp_path):
    kpis = {k: s for k, s in evaluation.contract.kpis.items() if s.metric != "dsat"}
    roles = {n: replace(r, kpis=tuple(k for k in r.kpis if k in kpis)) for n, r in evaluation.contract.roles.items()}
    contract = replace(evaluation.contract, kpis=kpis, roles=roles,
                       scoring=replace(evaluation.contract.scoring, weights={}), service_credits=None)
    month = MONTHS[-1]
    section_rows = pd.DataFrame({"period": [month, month, month], "reason": ["refund", "baggage", "payment"],
                                 "dsat": [0.30, 0.10, float("nan")], "dsat_n": [40, 120, 0],
                                 "dsat_status": ["", "", ""], "contacts": [400, 900, 10]})
    keep = evaluation.results["kpi"].isin(list(kpis))
    ev = replace(evaluation, contract=contract, results=evaluation.results[keep],
                 history=evaluation.history[evaluation.history["kpi"].isin(list(kpis))],
                 sections={**evaluation.sections, "dsat_reasons": section_rows})
    write_scorecards(ev, tmp_path, role="trainer")
    html = section(html_of(tmp_path, "trainer", "T01"), f.t("dsat_reasons", "en"))
    rows = Tables("<table><tbody>" + html.split("<tbody>")[1]).tables[0][1]
    assert [label for label, _ in rows] == ["refund", "baggage"]  # worst first; no answer: left out
    assert rows[0][1][:2] == ["30.0%", "40"]
    assert escape(f.t("no_dsat_kpi", "en")) in html


def _signals(evaluation) -> pd.DataFrame:
    month = MONTHS[-1]
    return pd.DataFrame([
        {"period": month, "grain": "vendor", "entity": evaluation.contract.vendor, "signal": "short_contacts",
         "value": 0.12, "baseline": 0.02, "evidence": "share of voice contacts handled in under 10s 12.0 % against 2.0 %"},
        {"period": month, "grain": "team_id", "entity": "T02", "signal": "transfer_spike",
         "value": 0.11, "baseline": 0.05, "evidence": "transfer rate 11.0 % against 5.0 %"},
        {"period": month, "grain": "agent_id", "entity": "AG0003", "signal": "speed_vs_quality",
         "value": 300.0, "baseline": 420.0, "evidence": "average handle time 5m00s against 7m00s"},
        {"period": MONTHS[-2], "grain": "team_id", "entity": "T01", "signal": "qa_leniency",
         "value": 4.0, "baseline": 0.5, "evidence": "last month: not on this card"},
    ])


def test_integrity_signals_on_the_ops_and_team_lead_cards(evaluation, tmp_path):
    ev = replace(evaluation, integrity=_signals(evaluation))
    write_scorecards(ev, tmp_path)
    title = f.t("integrity", "en")
    ops = Tables(section(html_of(tmp_path, "operations_manager", evaluation.contract.vendor), title))
    assert [(label, cells[:2]) for label, cells in ops.tables[0][1]] == [
        (evaluation.contract.vendor, ["Vendor", "Many very short contacts"]),
        ("T02", ["Team", "Transfers jump"])]
    assert ops.tables[0][1][0][1][2:4] == ["12.0%", "2.0%"]  # a month's card: no month column
    lead = section(html_of(tmp_path, "team_lead", "T01"), title)
    rows = Tables(lead).tables[0][1]
    assert [(label, cells[1]) for label, cells in rows] == [("AG0003", "Speed at the expense of quality")]
    assert rows[0][1][2:4] == [f"5{NBSP}min", f"7{NBSP}min"]
    assert 'href="../agent/' in lead  # the agent's own card
    quiet = section(html_of(tmp_path, "team_lead", "T02"), title)
    assert "Transfers jump" in quiet and "AG0003" not in quiet


def test_a_quarter_card_says_the_month_of_each_signal(evaluation, tmp_path):
    quarter = replace(evaluation, periods=("2026-Q1",), integrity=_signals(evaluation),
                      results=evaluation.results.assign(period="2026-Q1"))
    write_scorecards(quarter, tmp_path, role="team_lead")
    rows = Tables(section(html_of(tmp_path, "team_lead", "T01"), f.t("integrity", "en"))).tables[0][1]
    # both months of the quarter, each named: the team's Feb signal and its agent's Mar one
    assert [(label, cells[2]) for label, cells in rows] == [("AG0003", "Mar 2026"), ("T01", "Feb 2026")]


def test_integrity_in_french_says_the_rule_in_french(evaluation, tmp_path):
    ev = replace(evaluation, integrity=_signals(evaluation), contract=replace(evaluation.contract, language="fr"))
    write_scorecards(ev, tmp_path, role="operations_manager")
    html = section(html_of(tmp_path, "operations_manager", evaluation.contract.vendor), f.t("integrity", "fr"))
    assert escape(f.word("signal_help", "short_contacts", "fr")) in html
    assert "against" not in html and "12,0" in html


def test_no_integrity_signal_says_so(evaluation, tmp_path):
    write_scorecards(evaluation, tmp_path, role="operations_manager")
    html = section(html_of(tmp_path, "operations_manager", evaluation.contract.vendor), f.t("integrity", "en"))
    assert "No integrity signal in" in html


def test_a_met_kpi_turned_amber_by_a_guardrail_says_which(evaluation, tmp_path):
    results = evaluation.results.copy()
    hit = (results["grain"] == "team_id") & (results["entity"] == "T01") & (results["kpi"] == "aht")
    results.loc[hit, ["status", "guardrail"]] = ["amber", "fcr, csat"]
    write_scorecards(replace(evaluation, results=results), tmp_path, role="team_lead")
    html = html_of(tmp_path, "team_lead", "T01")
    row = re.search(r'<tr class="row-amber">\s*<th scope="row">Average handle time(.*?)</tr>', html, re.S)
    assert row, "the AHT row is amber"
    note = re.search(r'<span class="note">(.*?)</span>', row.group(1)).group(1)
    assert note == f.t("guardrail_missed", "en", kpis="First contact resolution, Customer satisfaction")


def test_benchmarks_on_the_ops_card_name_their_source(evaluation, tmp_path):
    write_scorecards(evaluation, tmp_path, role="operations_manager")
    html = section(html_of(tmp_path, "operations_manager", evaluation.contract.vendor), f.t("benchmarks", "en"))
    rows = dict(Tables(html).tables[0][1])
    fcr = rows["First contact resolution"]
    assert fcr[1:] in (["70.0% – 75.0%", want, "Zendesk Benchmark"]
                       for want in ("better than the benchmark", "within the benchmark", "worse than the benchmark"))
    r = evaluation.results
    value = r[(r["grain"] == "vendor") & (r["kpi"] == "fcr")]["value"].iloc[0]
    expected = "better" if value > 0.75 else "worse" if value < 0.70 else "within"
    assert fcr[2].startswith(expected)
    # the sketch's chat first response is a p90: listed with the benchmark, not compared
    assert rows["First response time (chat, p90)"][1:] == [f"48{NBSP}s", f.t("bench_not_alike", "en"), "Zendesk Benchmark"]
    assert "Context only" in html
