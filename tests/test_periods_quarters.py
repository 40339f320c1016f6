"""Quarters of months (periods.py): the one definition credits.py and versions.py read for a KPI
measured quarterly (judged and credited in its quarter's last month)."""

from __future__ import annotations

import pytest

from scorecard.periods import months_between, parse_period, quarter_end, quarter_of


@pytest.mark.parametrize(("month", "quarter", "end"), [
    ("2026-01", "2026-Q1", False), ("2026-03", "2026-Q1", True), ("2026-04", "2026-Q2", False),
    ("2026-06", "2026-Q2", True), ("2026-08", "2026-Q3", False), ("2026-12", "2026-Q4", True)])
def test_quarter_of_a_month_and_whether_it_closes_it(month, quarter, end):
    assert (quarter_of(month), quarter_end(month)) == (quarter, end)


def test_every_month_is_in_its_quarter_and_only_the_last_closes_it():
    for month in months_between("2025-01", "2026-12"):
        period = parse_period(quarter_of(month))
        assert month in period.months()
        assert quarter_end(month) == (month == period.last_month)
