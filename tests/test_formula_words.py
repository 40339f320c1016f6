"""Formulas as the deck's notes and `scorecard catalog` show them: in words, never the data's column
names (handle_time_s, created_at) nor a parameter's key."""

from __future__ import annotations

import re

from scorecard.catalog import catalog

COLUMN = re.compile(r"\b\w+_(s|at)\b|\bexclude_\w+")


def test_no_formula_names_a_column():
    for name, metric in catalog().items():
        for variant in [metric.formula, *(v["formula"] for v in metric.variants.values() if "formula" in v)]:
            for lang, text in variant.items():
                assert not COLUMN.search(text), (name, lang, text)
