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

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from . import tables as canonical
from .clock import month_end
from .contacts import make_interactions
from .faults import FAULTS, inject_faults
from .operations import make_costs, make_volumes, make_workforce
from .people import make_agents
from .quality import make_items, make_qa
from .setting import DEMO_MONTHS
from .writer import FORMATS, write_tables

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


def build_tables(*, seed: int = 2026, months: Sequence[str] = DEMO_MONTHS, agents: int = 48,
                 contacts_per_month: int = 9000, faults: bool = True) -> dict[str, pd.DataFrame]:
    """The six canonical tables in memory (tz-aware timestamps, categorical labels), without writing.

    The data is extracted at the end of the last month: later timestamps are empty (open cases).
    """
    months = _check_months(months)
    if contacts_per_month < 100:
        raise ValueError(f"contacts_per_month must be at least 100, got {contacts_per_month}")
    rng = np.random.default_rng(seed)
    people = make_agents(rng, agents)
    contacts = make_interactions(rng, months, people, contacts_per_month, cutoff=month_end(months[-1]))
    qa = make_qa(rng, months, contacts, people)
    items = make_items(rng, qa)
    work = make_workforce(rng, months, contacts)
    evaluations = canonical.qa_evaluations(qa, people)
    tables = {
        "interactions": canonical.interactions(contacts, people),
        "qa_evaluations": evaluations,
        "qa_items": canonical.qa_items(items, evaluations["evaluation_id"]),
        "workforce": canonical.workforce(work),
        "costs": make_costs(months, contacts, work),
        "volumes": make_volumes(rng, months, contacts),
    }
    if faults:
        inject_faults(rng, tables)
    return tables


def generate(out_dir: Path, *, seed: int = 2026, months: Sequence[str] = DEMO_MONTHS, agents: int = 48,
             contacts_per_month: int = 9000, fmt: str = "csv", faults: bool = True) -> dict[str, Path]:
    """Write the demo tables to out_dir as csv or parquet; returns table name -> file written."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    tables = build_tables(seed=seed, months=months, agents=agents,
                          contacts_per_month=contacts_per_month, faults=faults)
    return write_tables(tables, Path(out_dir), fmt)
