"""Contract versions as people read them: the stable English ids of results.json and credits.csv
("base", "amended 2026-06-01", "..., transition") in the contract's language."""

from __future__ import annotations

import pytest

from scorecard.versions import version_name


@pytest.mark.parametrize("label, en, fr", [
    ("base", "base", "initiale"),
    ("amended 2026-06-01", "amended 2026-06-01", "avenant du 1er juin 2026"),
    ("amended 2026-07-15", "amended 2026-07-15", "avenant du 15 juillet 2026"),
    ("base, transition", "base, transition", "initiale, transition"),
    ("amended 2026-06-01, transition", "amended 2026-06-01, transition", "avenant du 1er juin 2026, transition"),
])
def test_version_names_in_each_language(label, en, fr):
    assert (version_name(label, "en"), version_name(label, "fr")) == (en, fr)
