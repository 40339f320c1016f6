"""Fixtures shared by the end-to-end tests."""

from pathlib import Path

import pytest
from hypothesis import settings

from scorecard.demo_data import generate

# Hypothesis checks invariants, not speed: on a shared 2-core CI machine a 200 ms deadline fails at random.
settings.register_profile("scorecard", deadline=None)
settings.load_profile("scorecard")


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> Path:
    """Two months of a small demo data set (12 agents), generated once per test session."""
    out = tmp_path_factory.mktemp("small-demo") / "data"
    generate(out, agents=12, contacts_per_month=1500, months=("2026-02", "2026-03"))
    return out
