"""Reading service_credits' transition, escalation and per-channel allocations: what loads, and
each mistake reported at its line with a fix."""

from __future__ import annotations

from datetime import date

from test_contract_errors import SKETCH, check, line_of, one

from scorecard.contract.loader import load_contract

CLAUSES = """  transition:
    until: 2026-04-01
    credits: reduced 50%
  escalation: [1, 1.5, 2]
  earn_back:"""
PER_CHANNEL = """    aht: {voice: 10%, chat: 5%}"""  # in place of qa_calibration's 15 %: the pool stays at 200 %


def test_transition_escalation_and_channel_allocations_load(tmp_path):
    text = SKETCH.replace("  earn_back:", CLAUSES, 1).replace("    qa_calibration: 15%", PER_CHANNEL, 1)
    path = tmp_path / "contract.yaml"
    path.write_text(text)
    clause = load_contract(path).service_credits
    assert clause.transition.until == date(2026, 4, 1)
    assert (clause.transition.credits, clause.transition.reduction) == ("reduced", 0.5)
    assert clause.transition.covers("2026-03") and not clause.transition.covers("2026-04")
    assert clause.escalation == (1.0, 1.5, 2.0)
    assert clause.channel_allocations == {"aht": {"voice": 0.1, "chat": 0.05}}
    assert "aht" not in clause.allocations


def test_waived_reads_as_a_full_reduction(tmp_path):
    _text, problems = check(tmp_path, "  earn_back:", "  transition: {until: 2026-03-01, credits: waived}\n  earn_back:")
    assert problems == []
    path = tmp_path / "contract.yaml"
    assert load_contract(path).service_credits.transition.reduction == 1.0


def test_a_channel_the_kpi_has_no_threshold_for_is_refused(tmp_path):
    text, problems = check(tmp_path, "    qa_calibration: 15%", "    qa_calibration: 15%\n    aht: {voice: 5%, social: 5%}")
    p = one(problems, "service_credits.allocations.aht.social")
    assert p.line == line_of(text, "aht: {voice")
    assert 'aht has no target or minimum of its own for channel "social"' in p.message
    assert p.hint.startswith("allocate to voice, chat, email (the channels kpis.aht gives a target or minimum)")
    text, problems = check(tmp_path, "    qa_calibration: 15%", "    qa_calibration: 15%\n    asa_voice: {voice: 5%}")
    assert "per_channel_minimums" in one(problems, "service_credits.allocations.asa_voice.voice").hint


def test_channel_shares_count_in_the_pool(tmp_path):
    # the sketch's allocations add up to 200 %, its pool: 10 % more per channel is over it
    _text, problems = check(tmp_path, "    qa_calibration: 15%", "    qa_calibration: 15%\n    aht: {voice: 5%, chat: 5%}")
    assert "allocations add up to 210%, above the pool of 200%" in one(problems, "service_credits.allocations").message


def test_bad_transition_and_escalation_are_located(tmp_path):
    text, problems = check(tmp_path, "  earn_back:", "  transition: {until: 2026-04-01, credits: reduced 150%}\n"
                                                    "  escalation: [1, 2, 1.5]\n  earn_back:")
    p = one(problems, "service_credits.transition.credits")
    assert p.line == line_of(text, "reduced 150%") and "at most 100%" in p.message
    p = one(problems, "service_credits.escalation[2]")
    assert "1.5 is below the one before it (2)" in p.message and p.line == line_of(text, "escalation:")
    text, problems = check(tmp_path, "  earn_back:", "  transition: {until: April, credits: halved}\n  earn_back:")
    assert "waived, or reduced followed by a percentage" in one(problems, "service_credits.transition.credits").message
    one(problems, "service_credits.transition.until")
    text, problems = check(tmp_path, "  earn_back:", "  escalation: [150%]\n  earn_back:")
    assert "not a percentage" in one(problems, "service_credits.escalation[0]").hint


def test_a_mid_month_until_is_a_validate_warning(tmp_path, capsys):
    from scorecard.cli import main

    text, problems = check(tmp_path, "  earn_back:", "  transition: {until: 2026-03-15, credits: waived}\n  earn_back:")
    assert problems == []
    assert main(["validate", str(tmp_path / "contract.yaml")]) == 0
    err = capsys.readouterr().err
    assert f"contract.yaml:{line_of(text, 'transition:')}:" in err
    assert "the transition until 2026-03-15 keeps all of 2026-03 in transition" in err
    assert "write until: 2026-04-01 to say so, or until: 2026-03-01" in err
