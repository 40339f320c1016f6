"""`validate CONTRACT --mapping M`: what a mapping will leave a contract's KPIs without.

Run time is too late to learn that the export's satisfaction column was never mapped: the KPI
would come out not measurable a month later, in the forum. These are warnings, not errors: a
canonical column the mapping does not name is still read when the export has a column of that name.
"""

from __future__ import annotations

from pathlib import Path

from ..catalog import metric
from ..data.mapping import Mapping, constant_inputs, resolve_mapping
from ..errors import ContractError, Problem
from ..kpis.inputs import InputFacts
from .amendments import mid_month_warnings
from .loader import load_contract, validate_files
from .model import Contract
from .read_credit_terms import transition_warnings


def check_files(paths: list[Path], mapping: str | None) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of `scorecard validate`: every contract's problems and the mapping's
    (a preset name or a file); when there are none, the warnings of each contract against it."""
    problems = validate_files(paths)
    dates = [] if problems else [w for path in paths for w in (*mid_month_warnings(path), *transition_warnings(path))]
    if mapping is None:
        return problems, dates
    try:
        resolved = resolve_mapping(mapping)
    except ContractError as exc:
        return [*problems, *exc.problems], []
    if problems or resolved is None:
        return problems, []
    return [], dates + [w for path in paths for w in mapping_warnings(load_contract(path), resolved)]


def mapping_warnings(contract: Contract, mapping: Mapping) -> list[Problem]:
    """One warning per KPI input the mapped tables do not provide, and per KPI the mapping makes
    constant by construction (the engine's own rule, so the warning and the run agree)."""
    facts = InputFacts(constants=constant_inputs(mapping))
    file = mapping.path or mapping.name
    out: list[Problem] = []
    for spec in contract.kpis.values():
        m = metric(spec.metric)
        table = mapping.tables.get(m.table)
        if table is None:
            continue  # a table the mapping does not touch is read with its canonical names
        absent = [c for c in m.measures if c not in table.columns]
        if absent:
            out.append(Problem(
                f"KPI {spec.id} ({m.name}) measures {', '.join(absent)}, which the mapping does not map "
                f"in {m.table}", file, field=f"tables.{m.table}.columns",
                hint=f"map {absent[0]} to the export's column, or the KPI is not measurable unless the "
                     f"export has a column named {absent[0]}"))
        constant = facts.constant_note(spec)
        if constant:
            out.append(Problem(f"KPI {spec.id} will be not measurable: {constant}", file,
                               field=f"tables.{m.table}.columns",
                               hint="map the column to the export's measured values, or remove the KPI"))
    return out
