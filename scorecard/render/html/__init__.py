"""The per-role HTML scorecards: `cards.py` reads the `Evaluation` into one `Card` per entity,
`card_sections.py` builds the tables beyond KPI rows, `scorecards.py` renders them from templates/html."""

from .scorecards import other_roles, write_scorecards

__all__ = ["other_roles", "write_scorecards"]
