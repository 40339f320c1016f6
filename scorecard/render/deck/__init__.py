"""The governance-forum deck (python-pptx, from templates/deck): `build.py` runs the sections in order,
one module per slide family (summary, levels, credits, operations, quality, followup) over the shared
`context.py`, `layout.py` (the template's slots), `tables.py`, `charts.py` (native charts) and
`images.py` (matplotlib where no native chart exists)."""

from .build import write_deck

__all__ = ["write_deck"]
