"""The rows a KPI counts, its base, declared once for every engine as formulas.py declares the
metrics: the rows inside the KPI's filter (each listed value as text, lower-cased, against the
cell's text lower-cased; a missing cell is outside) and, on the metric's own table, without a
cleared cell in a column the metric measures (inputs.py: a cleared value is unknown, not absent).
A filter naming a column the data lacks makes the KPI not measurable, with a note.

The pandas engine's terms are boolean arrays over a table's rows (derive.Filters), the SQL engines'
conditions of the interactions view (sql/plan.SqlBase)."""

from __future__ import annotations

from typing import Any, Protocol

from ..catalog import metric as catalog_metric
from ..contract.model import KpiSpec


class BaseTerms(Protocol):
    """One table's rows as an engine holds them; conditions combine with `&` and `~`."""

    def every(self) -> Any: ...  # every row
    def none(self) -> Any: ...  # no row
    def has(self, column: str) -> bool: ...
    def text_in(self, column: str, lowered: frozenset[str]) -> Any: ...  # the cell's text, lower-cased, is listed
    def cleared(self, column: str) -> Any | None: ...  # the cells the data checks cleared (None: none known)


def kpi_base(kpi: KpiSpec, terms: BaseTerms, own_table: bool) -> tuple[Any, str]:
    """(the KPI's rows, '') or (no row, the note saying which filter column is missing).
    `own_table`: the rows are those of the table the KPI's metric measures (its cleared cells apply).
    `&=` narrows a numpy base in place (no second array of every row: at 50 M rows, 50 MB less at the
    breakdown sections' peak) and builds a new condition for SQL."""
    base = terms.every()
    for column, values in kpi.filter.items():
        if not terms.has(column):
            return terms.none(), f"filter column {column} is not in the data"
        base &= terms.text_in(column, frozenset(str(v).lower() for v in values))
    if own_table:
        for column in catalog_metric(kpi.metric).measures:
            cleared = terms.cleared(column)
            if cleared is not None:
                base &= ~cleared
    return base, ""
