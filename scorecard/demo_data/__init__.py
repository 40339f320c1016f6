"""Seeded demo data: realistic canonical tables (DATA.md) for the Acme Travel / Nordlys contract.

The data tells a story a vendor manager recognises (see docs/readme-demo-data.md): March 2026 is
understaffed (voice service level and CSAT below their minimums, abandonment amber), April-June
recover (service level on target three months running: the March credit is earned back), and QA
calibration misses in February, May and July (three misses in six months: chronic failure).

Everything is vectorised numpy/pandas driven by one `numpy.random.Generator`, so a seed always
gives the same files and 5 million contacts take well under two minutes.

Modules: setting (the world and the storyline), clock (opening-time arithmetic), arrivals, people,
handling, journeys, surveys, contacts (interactions), quality (QA), operations (workforce, costs,
volumes), tables (canonical columns), faults, writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import tables as canonical
from .clock import month_end
from .contacts import make_interactions
from .faults import FAULTS, inject_faults
from .operations import make_costs, make_volumes, make_workforce
from .people import Agents, make_agents
from .quality import make_items, make_qa
from .setting import DEMO_MONTHS
from .writer import CHUNK_ROWS, FORMATS, write_chunks, write_tables

__all__ = ["DEMO_MONTHS", "FAULTS", "FORMATS", "build_tables", "generate"]


def _check_months(months: Sequence[str]) -> list[str]:
    """Months as sorted unique 'YYYY-MM' strings forming one unbroken run (journeys and workforce
    intervals flow from one month into the next)."""
    out = sorted(set(months))
    if not out:
        raise ValueError("months must name at least one month (YYYY-MM)")
    try:
        periods = [pd.Period(m, "M") for m in out]
    except ValueError as exc:
        raise ValueError(f"months must be YYYY-MM, got {list(months)}") from exc
    if [str(p) for p in periods] != out or [str(periods[0] + i) for i in range(len(out))] != out:
        raise ValueError(f"months must be consecutive YYYY-MM months, got {list(months)}")
    return out


@dataclass
class _Generated:
    """Every random draw of a data set, in the generator's internal codes: what is left to do
    (labels, ids, local timestamps, files) draws nothing, so it can be done in any order or in chunks."""

    rng: np.random.Generator
    months: list[str]
    people: Agents
    contacts: pd.DataFrame
    qa: pd.DataFrame
    items: pd.DataFrame
    work: pd.DataFrame
    volumes: pd.DataFrame


def _generated(seed: int, months: Sequence[str], agents: int, contacts_per_month: int) -> _Generated:
    """The random draws, in the order they have always been made (the same seed gives the same data)."""
    months = _check_months(months)
    if contacts_per_month < 100:
        raise ValueError(f"contacts_per_month must be at least 100, got {contacts_per_month}")
    rng = np.random.default_rng(seed)
    people = make_agents(rng, agents)
    contacts = make_interactions(rng, months, people, contacts_per_month, cutoff=month_end(months[-1]))
    qa = make_qa(rng, months, contacts, people)
    items = make_items(rng, qa)
    work = make_workforce(rng, months, contacts)
    return _Generated(rng, months, people, contacts, qa, items, work, make_volumes(rng, months, contacts))


def _other_tables(g: _Generated) -> dict[str, pd.DataFrame]:
    """The canonical tables but interactions, in file order."""
    evaluations = canonical.qa_evaluations(g.qa, g.people)
    return {
        "qa_evaluations": evaluations,
        "qa_items": canonical.qa_items(g.items, evaluations["evaluation_id"]),
        "workforce": canonical.workforce(g.work),
        "costs": make_costs(g.months, g.contacts, g.work),
        "volumes": g.volumes,
    }


def _interaction_chunks(g: _Generated) -> Iterator[pd.DataFrame]:
    """The canonical interactions, CHUNK_ROWS rows at a time (each one a Parquet row group)."""
    for start in range(0, len(g.contacts), CHUNK_ROWS):
        yield canonical.interactions(g.contacts.iloc[start:start + CHUNK_ROWS], g.people)


def build_tables(*, seed: int = 2026, months: Sequence[str] = DEMO_MONTHS, agents: int = 48,
                 contacts_per_month: int = 9000, faults: bool = True) -> dict[str, pd.DataFrame]:
    """The six canonical tables in memory (tz-aware timestamps, categorical labels), without writing.

    The data is extracted at the end of the last month: later timestamps are empty (open cases).
    """
    g = _generated(seed, months, agents, contacts_per_month)
    tables = {"interactions": canonical.interactions(g.contacts, g.people), **_other_tables(g)}
    if faults:
        inject_faults(g.rng, tables)
    return tables


def generate(out_dir: Path, *, seed: int = 2026, months: Sequence[str] = DEMO_MONTHS, agents: int = 48,
             contacts_per_month: int = 9000, fmt: str = "csv", faults: bool = True) -> dict[str, Path]:
    """Write the demo tables to out_dir as csv or parquet; returns table name -> file written.

    Without faults the interactions are converted and written a chunk at a time (the same files as
    build_tables + write_tables): only the generator's internal frame is held whole, not the labelled
    table and its Arrow or text copies. The faults pick rows of the whole labelled table.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if faults:
        tables = build_tables(seed=seed, months=months, agents=agents, contacts_per_month=contacts_per_month)
        return write_tables(tables, Path(out_dir), fmt)
    g = _generated(seed, months, agents, contacts_per_month)
    others = _other_tables(g)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {"interactions": write_chunks(_interaction_chunks(g), out_dir / f"interactions.{fmt}", fmt)}
    return {**written, **write_tables(others, out_dir, fmt)}
