"""The false-miss risk: the binomial tail against a direct computation, its invariants, and the
bootstraps (means, percentiles) seeded and stable."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.cli import main
from scorecard.review import fairness
from scorecard.units import parse_target


def direct_miss(n: int, p: Fraction, minimum) -> float:
    """Exact rational sum of C(n, k) p^k (1-p)^(n-k) over the k/n that fail the minimum."""
    total = sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(n + 1)
                if not minimum.met(k / n))
    return float(total)


def test_hand_computed_twenty_contacts_at_80_percent_against_a_70_percent_minimum():
    # miss when fewer than 14 of 20 succeed: P(X <= 13), X ~ Binomial(20, 0.8) = 0.0866925...
    assert fairness.rate_miss_probability(20, 0.8, parse_target(">= 70%")) == pytest.approx(0.08669251, abs=1e-8)
    # the loosest minimum under 5 %: P(X < 13) = 0.0321 <= 5 % < P(X < 14), so 13/20 = 65 %
    assert fairness.rate_minimum(20, 0.8, parse_target(">= 70%")) == 0.65
    # 40 contacts bring the risk of a 70 % minimum under 5 %; 39 do not
    assert fairness.rate_sample_size(20, 0.8, parse_target(">= 70%")) == 40
    assert fairness.rate_miss_probability(39, 0.8, parse_target(">= 70%")) > 0.05
    assert fairness.rate_miss_probability(40, 0.8, parse_target(">= 70%")) <= 0.05


@pytest.mark.parametrize("n, p, minimum", [(1, "1/2", ">= 50%"), (7, "3/10", "<= 40%"), (50, "9/10", ">= 85%"),
                                           (120, "1/20", "<= 8%"), (300, "3/4", "> 70%")])
def test_the_log_space_tail_equals_the_exact_sum(n, p, minimum):
    target = parse_target(minimum)
    assert fairness.rate_miss_probability(n, float(Fraction(p)), target) == pytest.approx(
        direct_miss(n, Fraction(p), target), rel=1e-9, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 400), p=st.floats(0.001, 0.999), m=st.floats(0.0, 1.0))
def test_the_pmf_sums_to_one_and_a_looser_minimum_never_risks_more(n, p, m):
    pmf = fairness.binomial_pmf(n, p)
    assert pmf.sum() == pytest.approx(1.0) and (pmf >= 0).all()
    strict = fairness.rate_miss_probability(n, p, parse_target(f">= {m * 100:.1f}%"))
    loose = fairness.rate_miss_probability(n, p, parse_target(f">= {max(m - 0.05, 0) * 100:.1f}%"))
    assert loose <= strict + 1e-12


@settings(max_examples=40, deadline=None)
@given(n=st.integers(5, 2000), p=st.floats(0.05, 0.95), higher=st.booleans())
def test_the_suggested_minimum_keeps_the_risk_at_or_under_five_percent(n, p, higher):
    op = ">=" if higher else "<="
    safe = fairness.rate_minimum(n, p, parse_target(f"{op} 50%"))
    assert fairness.rate_miss_probability(n, p, parse_target(f"{op} {safe * 100:.1f}%")) <= 0.05 + 1e-12


def test_no_sample_size_helps_a_minimum_equal_to_the_target():
    assert fairness.rate_sample_size(100, 0.8, parse_target(">= 80%")) is None


AGENTS = np.array([410.0, 380, 455, 398, 430, 402, 390, 445])  # mean handle time per agent, seconds
CONTACTS = np.array([120, 90, 150, 110, 100, 130, 95, 105])


def test_the_bootstrap_is_seeded_and_centred_on_the_target():
    minimum = parse_target("<= 430s")
    first = fairness.mean_miss(AGENTS, CONTACTS, 420.0, minimum)
    assert fairness.mean_miss(AGENTS, CONTACTS, 420.0, minimum) == first
    assert 0 < first.probability < 0.5
    assert first.safe_minimum > 420  # a lower-is-better minimum sits above the target
    assert fairness.mean_miss(AGENTS, CONTACTS, 420.0, minimum, seed=1).probability == pytest.approx(
        first.probability, abs=0.03)


def test_a_shift_of_every_agent_leaves_the_risk_unchanged():
    minimum = parse_target(">= 80")
    a = fairness.mean_miss(AGENTS / 5, CONTACTS, 84.0, minimum)
    b = fairness.mean_miss(AGENTS / 5 + 7, CONTACTS, 84.0, minimum)
    assert a.probability == pytest.approx(b.probability, abs=1e-12)


def test_the_mean_sample_size_puts_the_minimum_outside_the_noise():
    minimum = parse_target("<= 425s")
    risk = fairness.mean_miss(AGENTS, CONTACTS, 420.0, minimum)
    n = fairness.mean_sample_size(900, risk, 420.0, minimum)
    assert n == math.ceil(900 * (1.6449 * risk.spread / 5) ** 2)
    assert fairness.mean_sample_size(900, risk, 420.0, parse_target("<= 420s")) is None


def _spread_obs() -> np.ndarray:
    """1,000 first-response times, exponential around an hour (a wide, skewed distribution)."""
    return np.random.default_rng(7).exponential(3600.0, size=1000)


def test_a_percentile_of_identical_observations_never_misses():
    risk = fairness.quantile_miss(np.full(200, 9000.0), 0.9, 14400.0, parse_target("<= 15000s"))
    assert risk.probability == 0.0 and risk.safe_minimum == 14400.0 and risk.spread == 0.0


def test_the_percentile_bootstrap_is_seeded_and_near_the_binomial_count_below_the_minimum():
    obs, minimum = _spread_obs(), parse_target("<= 15000s")
    first = fairness.quantile_miss(obs, 0.9, 14400.0, minimum, n=400)
    assert fairness.quantile_miss(obs, 0.9, 14400.0, minimum, n=400) == first
    assert fairness.quantile_miss(obs, 0.9, 14400.0, minimum, n=400, seed=1).probability == pytest.approx(
        first.probability, abs=0.03)
    # the p90 of 400 draws exceeds the minimum about when fewer than 90 % of them fall at or under it:
    # a binomial tail with p = the share of shifted observations under the minimum
    shifted = obs + (14400.0 - np.quantile(obs, 0.9))
    share = float(np.mean(shifted <= 15000.0))
    expected = fairness.rate_miss_probability(400, share, parse_target(">= 90%"))
    assert 0.05 < first.probability < 0.5 and first.probability == pytest.approx(expected, abs=0.04)
    assert first.safe_minimum > 15000.0  # the 95 % point of the at-target p90 is looser than 15000 s
    assert fairness.quantile_miss(obs, 0.9, 14400.0, parse_target(f"<= {first.safe_minimum}s"),
                                  n=400).probability <= 0.05


def test_more_contacts_a_month_lower_the_percentile_risk_and_a_shift_changes_nothing():
    obs, minimum = _spread_obs(), parse_target("<= 15000s")
    small = fairness.quantile_miss(obs, 0.9, 14400.0, minimum, n=200)
    large = fairness.quantile_miss(obs, 0.9, 14400.0, minimum, n=3000)
    assert large.probability < small.probability
    moved = fairness.quantile_miss(obs + 500.0, 0.9, 14400.0, minimum, n=200)
    assert moved.probability == pytest.approx(small.probability, abs=1e-12)
    median = fairness.quantile_miss(obs, 0.5, 600.0, parse_target("<= 700s"), n=200)
    assert 0 < median.probability < 1


def test_review_estimates_the_p90_of_email_first_response_from_the_data(tmp_path, small_demo):
    assert main(["review", "contracts/globex-email-chat.yaml", "--data", str(small_demo),
                 "--out", str(tmp_path / "o")]) == 0
    doc = json.loads((tmp_path / "o" / "review.json").read_text(encoding="utf-8"))
    p90 = next(x for x in doc["fairness"] if x["kpi"] == "email_first_response")
    assert p90["method"] == "bootstrap" and p90["probability"] is not None and p90["n"] > 0
    md = (tmp_path / "o" / "review.md").read_text(encoding="utf-8")
    assert not any("email_first_response" in line and "not estimated" in line for line in md.splitlines())
