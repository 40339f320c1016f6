"""Formatting filters, UI strings, small statistics, sparklines and safe file names of render/."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from scorecard.errors import RenderError
from scorecard.render import format as f
from scorecard.render.files import safe_dirname, safe_filename, slugify
from scorecard.render.html.sparkline import sparkline_svg
from scorecard.render.stats import outlier_mask, quartiles, wilson_interval

NB = "\u00a0"


@pytest.mark.parametrize("value, unit, en, fr", [
    (0.852, "rate", "85.2%", f"85,2{NB}%"),
    (1.0, "rate", "100.0%", f"100,0{NB}%"),
    (42, "duration", f"42{NB}s", f"42{NB}s"),
    (390, "duration", f"6{NB}min 30{NB}s", f"6{NB}min 30{NB}s"),
    (420, "duration", f"7{NB}min", f"7{NB}min"),
    (8.2 * 3600, "duration", f"8.2{NB}h", f"8,2{NB}h"),
    (2.1 * 86400, "duration", f"2.1{NB}d", f"2,1{NB}j"),
    (86.44, "points", "86.4", "86,4"),
    (-12, "points", "\u221212.0", "\u221212,0"),
    (12345, "count", "12,345", f"12{NB}345"),
    (4.2, "money", "\u20ac4.20", f"4,20{NB}\u20ac"),
    (57600, "money", "\u20ac57,600.00", f"57{NB}600,00{NB}\u20ac"),
    (0.3333, "ratio", "0.33", "0,33"),
    (float("nan"), "rate", "\u2014", "\u2014"),
    (None, "duration", "\u2014", "\u2014"),
])
def test_fmt_value_in_english_and_french(value, unit, en, fr):
    assert f.fmt_value(value, unit, "en", currency="EUR") == en
    assert f.fmt_value(value, unit, "fr", currency="EUR") == fr


def test_duration_edges_round_up_to_the_next_unit():
    assert f.fmt_value(59.6, "duration", "en") == f"1{NB}min"
    assert f.fmt_value(86390, "duration", "en") == f"1.0{NB}d"


def test_unknown_unit_is_a_render_error():
    with pytest.raises(RenderError, match="unknown unit"):
        f.fmt_value(1, "furlongs", "en")


def test_fmt_change_signs_and_percentage_points():
    assert f.fmt_change(0.021, "rate", "en") == f"+2.1{NB}pts"
    assert f.fmt_change(-0.021, "rate", "fr") == f"\u22122,1{NB}pts"
    assert f.fmt_change(-65, "duration", "en") == f"\u22121{NB}min 5{NB}s"
    assert f.fmt_change(0.0001, "rate", "en") == f"0.0{NB}pts"  # reads as zero: no sign
    assert f.fmt_change(float("nan"), "rate", "en") == "\u2014"


def test_change_tone_follows_the_kpi_direction():
    assert f.change_tone(0.02, "higher") == "better"
    assert f.change_tone(12, "lower") == "worse"
    assert f.change_tone(0, "lower") == ""
    assert f.change_tone(3, "neutral") == ""


def test_fmt_target_reads_the_comparison_in_the_language():
    assert f.fmt_target(">= 80%", "rate", "fr") == f"\u2265{NB}80{NB}%"
    assert f.fmt_target("<= 7m", "duration", "en") == f"\u2264{NB}7{NB}min"
    assert f.fmt_target(">= 85", "points", "en") == f"\u2265{NB}85"
    assert f.fmt_target("<= 4.20", "money", "fr", currency="EUR") == f"\u2264{NB}4,20{NB}\u20ac"
    assert f.fmt_target("", "rate", "en") == "\u2014"
    assert f.fmt_target(float("nan"), "rate", "en") == "\u2014"


def test_status_words_and_icons_exist_for_every_status_in_both_languages():
    for status in f.STATUSES:
        assert f.status_icon(status)
        assert f.status_label(status, "en") != f.status_label(status, "fr") or status == "green"
    assert f.status_label("red", "fr") == "Manqué"
    assert len({f.status_icon(s) for s in f.STATUSES}) == len(f.STATUSES)  # shapes tell them apart


def test_kpi_label_names_channel_and_statistic():
    from fixtures_evaluation import sketch_contract

    contract = sketch_contract()
    assert f.kpi_label(contract, "frt_chat", "en") == "First response time (chat, p90)"
    assert f.kpi_label(contract, "service_level_voice", "fr") == "Niveau de service (voix)"
    assert f.kpi_label(contract, "trt", "fr") == "Durée totale de résolution (médiane)"
    assert f.kpi_label(contract, "no_such_kpi", "en") == "no_such_kpi"


def test_periods_and_months():
    assert f.fmt_period("2026-03", "en") == "March 2026"
    assert f.fmt_period("2026-03", "fr") == "mars 2026"
    assert f.fmt_period("2026-Q1", "fr") == "T1 2026"
    assert f.fmt_period("2026", "en") == "2026"
    assert f.month_name(8, "fr", short=True) == "août"


def test_every_ui_string_exists_in_every_language():
    for key, words in f.strings()["ui"].items():
        assert set(words) == set(f.LANGUAGES), key
    assert f.t("small_sample", "fr", n="12") == "petit échantillon (n\u00a0=\u00a012)"  # never broken at "="
    with pytest.raises(RenderError, match="no UI text"):
        f.t("no_such_key", "en")
    with pytest.raises(RenderError, match="en, fr"):
        f.check_lang("de")


def test_wilson_interval_matches_a_hand_computed_case():
    # 8 of 10, z = 1.96: centre (0.8 + 1.9208/10) / 1.38415 = 0.71674,
    # half-width 1.96 * sqrt(0.016 + 0.0096037) / 1.38415 = 0.22658
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_edges():
    low, high = wilson_interval(0, 20)
    assert low == 0.0 and high == pytest.approx(0.1611, abs=1e-4)
    low, high = wilson_interval(20, 20)
    assert high == 1.0 and low == pytest.approx(0.8389, abs=1e-4)
    with pytest.raises(ValueError):
        wilson_interval(1, 0)


def test_outliers_only_on_the_bad_side_and_quartiles():
    wide = pd.DataFrame({"csat": [0.90, 0.91, 0.89, 0.92, 0.90, 0.40],
                         "aht": [400, 410, 390, 405, 1500, 395]},
                        index=["a", "b", "c", "d", "e", "f"])
    mask = outlier_mask(wide, {"csat": "higher", "aht": "lower"})
    assert mask["csat"].tolist() == [False] * 5 + [True]
    assert mask["aht"].tolist() == [False] * 4 + [True, False]
    # mean oriented percentile ranks: d .75, c .667, a .625, b .583, f .5, e .375 -> ranked in sixths
    q = quartiles(wide, {"csat": "higher", "aht": "lower"})
    assert q.to_dict() == {"a": 2, "b": 3, "c": 2, "d": 1, "e": 4, "f": 4}


def test_sparkline_draws_gaps_and_a_target_line():
    svg = sparkline_svg([0.8, math.nan, 0.82, 0.85, 0.9], label="CSAT <trend>", target=0.85)
    assert svg.count("<polyline") == 1  # the lone first point before the gap draws no line
    assert "spark-target" in svg and "spark-last" in svg
    assert "&lt;trend&gt;" in svg and "<trend>" not in svg
    assert sparkline_svg([math.nan, math.nan], label="x") == ""


@pytest.mark.parametrize("entity", ["../../x", "<script>alert(1)</script>", "", "..", "/etc/passwd",
                                    "Équipe Nord/2", "a" * 300])
def test_safe_filenames_cannot_leave_the_folder(entity):
    name = safe_filename(entity)
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert name.endswith(".html") and len(name) <= 60
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")


def test_safe_filenames_stay_unique_when_slugs_collide():
    assert slugify("A 1") == slugify("a-1")
    assert safe_filename("A 1") != safe_filename("a-1")
    assert safe_dirname("team_lead") == "team_lead"
    assert "/" not in safe_dirname("../roles")


def test_bias_bar_coloured_by_tendency_and_outlined_red_only_beyond_tolerance():
    from scorecard.render.html.sparkline import bias_bar_svg
    assert "bias-aligned" in bias_bar_svg(1.0, 5.0, label="b", scale=3, tendency="aligned")
    inside = bias_bar_svg(3.0, 5.0, label="b", scale=3, tendency="lenient")
    assert "bias-lenient" in inside and "bias-out" not in inside
    out = bias_bar_svg(-6.0, 5.0, label="b", scale=6, tendency="harsh")
    assert 'class="bias-bar bias-harsh bias-out"' in out  # still reads as harsh, outlined beyond tolerance


def test_vendor_card_rows_list_each_channel_of_a_per_channel_kpi_under_it():
    from dataclasses import replace

    import pandas as pd

    from fixtures_deck import make_evaluation
    from scorecard.render.html.cards import Context, GrainIndex, card_rows
    from scorecard.render.view import CHANNEL_INDENT

    evaluation = make_evaluation()
    kpi = next(k for k, s in evaluation.contract.kpis.items() if s.per_channel_targets)
    res = evaluation.results
    base = res[(res.grain == "vendor") & (res.kpi == kpi)].iloc[0].to_dict()
    extra = pd.DataFrame([{**base, "grain": "channel", "entity": "chat", "value": 600.0, "target": "<= 12m",
                           "status": "green"}])
    ctx = Context(replace(evaluation, results=pd.concat([res, extra], ignore_index=True)), "en")
    vendor = GrainIndex(ctx, "vendor")
    rows = card_rows(ctx, vendor, base["entity"], [kpi], GrainIndex(ctx, "channel"))
    assert [r.label for r in rows][1:] == [f"{CHANNEL_INDENT}chat"]
    assert rows[1].target == "≤\u00a012\u00a0min" and rows[1].status == "green"


def test_strip_marks_the_agent_and_the_team_median():
    from scorecard.render.html.sparkline import strip_svg
    svg = str(strip_svg([1.0, 2.0, 3.0, 4.0, 5.0], 5.0, label="Team A"))
    # x runs from 3 to 117 over 1..5: the median 3 sits at 60, the agent (5) at 117
    assert 'x1="60.0" x2="60.0"' in svg and 'cx="117.0" cy="8" r="4" class="strip-mine"' in svg
    assert svg.count("strip-peer") == 5 and "<title>Team A</title>" in svg
    assert strip_svg([1.0], 1.0, label="alone") == ""
