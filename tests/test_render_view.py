"""The view model both renderers read (scorecard/render/view): hand-checked rows and trends.

Results are written by hand on the demo contract (the spec's sketch), so each expected text is the
one a reader sees: a per-channel KPI with its channels, an informational KPI, a small sample with
its Wilson interval, a guardrail amber, and a trend with a gap and its target and minimum lines.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from fixtures_deck import make_evaluation
from scorecard.render.view import CHANNEL_INDENT, KpiWords, ResultIndex, TrendIndex, kpi_row, level, lines, trend_view
from scorecard.render.view import rows as view_rows
from scorecard.render.view.rows import channel_order

NB = "\u00a0"
PERIOD = "2026-03"


@pytest.fixture(scope="module")
def base():
    return make_evaluation()


def _record(kpi: str, value: float, status: str, *, grain: str = "vendor", entity: str = "Nordlys",
            n: float = 1000, period: str = PERIOD, **extra) -> dict:
    return {"period": period, "kpi": kpi, "metric": kpi, "grain": grain, "entity": entity, "value": value,
            "n": n, "provisional": False, "note": None, "target": None, "minimum": None, "status": status,
            "unit": "", "direction": "", "attainment": None, "points": None, "previous": None,
            "change": None, **extra}


def _row(ev, grain: str, entity: str, lang: str, kpi: str):
    """A KPI's row as the cards and the deck build it: kpi_row over the grain's results, with the
    channels' rows at grain vendor."""
    channels = ResultIndex(ev.results, PERIOD, "channel") if grain == "vendor" else None
    return kpi_row(KpiWords(ev.contract, lang), ResultIndex(ev.results, PERIOD, grain), entity, kpi, channels)


def _evaluation(base, records: list[dict], history: list[dict] | None = None):
    results = pd.DataFrame(records)
    return replace(base, results=results, history=pd.DataFrame(history or records), periods=[PERIOD])


def test_a_per_channel_kpi_lists_its_channels_in_the_contracts_order(base):
    # aht: per_channel_targets {voice: <= 7m, chat: <= 12m, email: <= 9m} in the sketch
    ev = _evaluation(base, [
        _record("aht", 400.0, "green", target="<= 7m", change=-12.0, previous=412.0),
        _record("aht", 800.0, "red", grain="channel", entity="chat", target="<= 12m"),
        _record("aht", 390.0, "green", grain="channel", entity="voice", target="<= 7m"),
        _record("aht", 300.0, "green", grain="channel", entity="sms", target="<= 7m"),
    ])
    row = _row(ev, "vendor", "Nordlys", "en", "aht")
    assert (row.label, row.value_text, row.target_text, row.minimum_text) == \
        ("Average handle time", f"6{NB}min 40{NB}s", f"≤{NB}7{NB}min", "—")
    assert (row.status_word, row.change_text, row.tone, row.n_text) == ("Met", f"−12{NB}s", "better", "1,000")
    # the contract names voice then chat (email has no row); sms, not named, comes last
    assert [(c.channel, c.label, c.value_text, c.status_word) for c in row.channels] == [
        ("voice", f"{CHANNEL_INDENT}voice", f"6{NB}min 30{NB}s", "Met"),
        ("chat", f"{CHANNEL_INDENT}chat", f"13{NB}min 20{NB}s", "Missed"),
        ("sms", f"{CHANNEL_INDENT}sms", f"5{NB}min", "Met")]
    assert [line.channel for line in lines([row])] == [None, "voice", "chat", "sms"]
    # in French the channel's name is the French word
    fr = _row(ev, "vendor", "Nordlys", "fr", "aht")
    assert fr.channels[0].label == f"{CHANNEL_INDENT}voix" and fr.status_word == "Atteint"


def test_below_vendor_grain_no_channel_rows_are_added(base):
    ev = _evaluation(base, [_record("aht", 400.0, "green", grain="team_id", entity="LIS-1"),
                            _record("aht", 800.0, "red", grain="channel", entity="chat")])
    row = _row(ev, "team_id", "LIS-1", "en", "aht")
    assert row.channels == ()


def test_an_informational_kpi_has_no_target_and_says_for_information(base):
    ev = _evaluation(base, [_record("fcr", 0.713, "informational")])
    row = _row(ev, "vendor", "Nordlys", "en", "fcr")
    assert (row.value_text, row.target, row.target_text, row.status_word, row.status_icon) == \
        ("71.3%", None, "—", "For information", "i")
    assert row.caution == "" and row.interval is None and row.note == ""


def test_an_insufficient_sample_carries_its_wilson_interval(base):
    # 28 satisfied of 40 answers: p = 0.7, z = 1.96; centre (0.7 + 0.04802) / 1.09604 = 0.68247,
    # half-width 1.96 * sqrt(0.00525 + 0.00060025) / 1.09604 = 0.13678 -> 54.6 % to 81.9 %
    ev = _evaluation(base, [_record("csat", 0.7, "insufficient_sample", n=40, target=">= 85%",
                                    minimum=">= 78%")])
    row = _row(ev, "vendor", "Nordlys", "en", "csat")
    low, high = row.interval
    assert low == pytest.approx(0.54569, abs=1e-4) and high == pytest.approx(0.81925, abs=1e-4)
    assert row.caution == f"small sample (n{NB}={NB}40); 95% interval 54.6% to 81.9%"
    assert (row.status_word, row.target_text, row.minimum_text) == ("Small sample", f"≥{NB}85%", f"≥{NB}78%")


def test_a_met_kpi_amber_from_its_guardrail_says_why(base):
    ev = _evaluation(base, [_record("aht", 400.0, "amber", target="<= 7m", guardrail="fcr, csat")])
    row = _row(ev, "vendor", "Nordlys", "en", "aht")
    why = ("Target met, but amber: its guardrail First contact resolution, Customer satisfaction missed "
           "(speed must not cost quality).")
    assert (row.status_word, row.guardrail_why, row.note) == ("Below target", why, why)


def test_a_kpi_without_a_result_is_dashes_and_says_so(base):
    ev = _evaluation(base, [_record("aht", 400.0, "green")])
    row = _row(ev, "vendor", "Nordlys", "en", "csat")
    assert not row.found and row.status == "not_measurable" and math.isnan(row.value)
    assert (row.value_text, row.target_text, row.n_text, row.note) == ("—", "—", "—", "no result at this level")


def test_a_rows_benchmark_is_the_channels_else_the_metrics(base):
    ev = _evaluation(base, [_record("fcr", 0.72, "green", target=">= 75%")])
    row = _row(ev, "vendor", "Nordlys", "en", "fcr")
    assert (row.benchmark.low, row.benchmark.high, row.benchmark_alike) == (0.70, 0.75, True)


def test_a_rows_benchmark_is_looked_up_when_read_once(base, monkeypatch):
    looked = []
    lookup = view_rows.kpi_benchmark
    monkeypatch.setattr(view_rows, "kpi_benchmark", lambda *a: looked.append(a[2]) or lookup(*a))
    ev = _evaluation(base, [_record("fcr", 0.72, "green", target=">= 75%")])
    row = _row(ev, "vendor", "Nordlys", "en", "fcr")
    assert looked == []  # a card never reads it: 2,000 agent cards look up nothing
    assert (row.benchmark.low, row.benchmark_alike, row.benchmark.high) == (0.70, True, 0.75)
    assert looked == [None]  # once for the row, whatever is read of it


def test_a_trend_has_its_months_a_gap_and_the_target_and_minimum_lines(base):
    months = ["2026-01", "2026-02", "2026-03"]
    now = _record("csat", 0.86, "green", target=">= 85%", minimum=">= 78%")
    history = [_record("csat", 0.80, "amber", period="2026-01"), now]
    ev = _evaluation(base, [now], history)
    words = KpiWords(ev.contract, "en")
    row = kpi_row(words, ResultIndex(ev.results, PERIOD, "vendor"), "Nordlys", "csat")
    trends = TrendIndex(ev.history, "vendor", months).values
    view = trend_view(words, row, months, trends[("Nordlys", "csat")])
    assert view.months == tuple(months) and view.values[0] == 0.80 and math.isnan(view.values[1])
    assert (view.target, view.minimum, view.known()) == (0.85, 0.78, 2)
    assert (view.target_name, view.minimum_name) == (f"Target ≥{NB}85%", f"Minimum ≥{NB}78%")
    assert view.description == "Customer satisfaction: Jan 2026 80.0%, Feb 2026 —, Mar 2026 86.0%"
    assert ("Elsewhere", "csat") not in trends  # no value in the months: no trend to draw


def test_level_reads_a_comparison_and_ignores_what_is_not_one():
    assert level(">= 80%") == 0.8 and level("<= 7m") == 420.0
    assert level(None) is None and level("") is None and level("soon") is None


@given(st.lists(st.sampled_from(["voice", "chat", "email", "sms", "social", "web"]), unique=True))
def test_channel_order_is_the_contracts_channels_first_then_the_others_sorted(present):
    from fixtures_deck import sketch_contract
    order = channel_order(sketch_contract(), "aht", present)
    named = [c for c in ("voice", "chat", "email") if c in present]
    assert order == named + sorted(c for c in present if c not in named)
