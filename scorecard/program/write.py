"""`scorecard program`: evaluate every vendor of a program as `evaluate` would, and write the set:
program.csv, program.html, integrity.csv (every vendor's signals) and vendors/NAME/ with each vendor's
own result files, committed as one output set (outputs.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..atomic import write_text
from ..benchmarks import benchmarks_for
from ..contract.loader import load_contract
from ..data import load_dataset
from ..errors import ContractError, DataError, Problem
from ..evaluate import Evaluation, evaluate, resolve_periods
from ..integrity.rules import SIGNAL_COLUMNS
from ..outputs import OutputSet
from ..render.files import safe_dirname
from ..results import csv_text, write_results
from .deck import write_program_deck
from .compare import PROGRAM_COLUMNS, match_kpis, program_rows
from .html import program_html
from .read import Program


@dataclass(frozen=True)
class _Contract:
    """What a program's manifest says of its "contract": the program file itself."""

    id: str
    path: str
    version_hash: str


@dataclass(frozen=True)
class ProgramRun:
    """The manifest's view of a program run (outputs.OutputSet.commit reads these four fields)."""

    contract: _Contract
    periods: tuple[str, ...]
    inputs: dict[str, str] = field(default_factory=dict)


def evaluate_vendors(program: Program, period: str | None = None, start: str | None = None,
                     end: str | None = None) -> dict[str, Evaluation]:
    """Display name -> evaluation of each vendor; a problem in any vendor is located in its file."""
    found: dict[str, Evaluation] = {}
    for source in program.vendors:
        contract = load_contract(source.contract)
        dataset = load_dataset(source.data, contract=contract, mapping=source.mapping)
        periods = resolve_periods(dataset, contract, period=period, start=start, end=end)
        name = source.name or contract.vendor
        if name in found:
            raise ContractError(Problem(f'two vendors of the program are called "{name}"', program.path,
                                        field="vendors", hint="give each one a name: in the program file"))
        found[name] = evaluate(contract, dataset, periods)
    return found


def write_program(stage: OutputSet, program: Program, evaluations: dict[str, Evaluation]) -> list[Path]:
    """Stage and commit the program's files; returns the final paths (manifest last)."""
    first = next(iter(evaluations.values()))
    periods = first.periods
    if any(ev.periods != periods for ev in evaluations.values()):
        raise DataError(Problem("the vendors' data do not cover the same period", program.path,
                                hint="give --period so every vendor is evaluated for the same one"))
    lang = program.language or first.contract.language  # contracts in several languages: the first's
    groups, left = match_kpis(evaluations)
    benchmarks = benchmarks_for(first.contract.path, first.contract.governance.benchmarks)
    rows = program_rows(evaluations, groups, benchmarks)
    units = {g.key: _unit(evaluations, g.ids) for g in groups}
    integrity = pd.concat([ev.integrity.assign(vendor=v) for v, ev in evaluations.items()], ignore_index=True)
    files = {
        "program.csv": csv_text(rows, PROGRAM_COLUMNS, ["benchmark"]),
        "integrity.csv": csv_text(integrity, ["vendor"] + SIGNAL_COLUMNS),
        "program.html": program_html(program.name, periods[-1], evaluations, groups, left, rows, units, lang),
    }
    written = [write_text(stage.path / name, text) for name, text in files.items()]
    written.append(write_program_deck(stage.path / "program.pptx", program.name, periods[-1], evaluations, groups,
                                      rows, units, integrity, lang))
    for vendor, ev in evaluations.items():
        written += write_results(ev, stage.path / "vendors" / safe_dirname(vendor))
    inputs = {f: h for ev in evaluations.values() for f, h in ev.inputs.items()}
    inputs.update({ev.contract.path: ev.contract.version_hash for ev in evaluations.values()})
    run = ProgramRun(_Contract(program.name, program.path, program.digest), periods, inputs)
    manifest = stage.commit(run)  # type: ignore[arg-type]  # the manifest reads only these fields
    return [stage.final(p) for p in written] + [manifest]


def _unit(evaluations: dict[str, Evaluation], ids: dict[str, str]) -> str:
    vendor, kpi = next(iter(ids.items()))
    units = evaluations[vendor].results.loc[evaluations[vendor].results["kpi"] == kpi, "unit"]
    return str(units.iloc[0]) if len(units) else "ratio"

