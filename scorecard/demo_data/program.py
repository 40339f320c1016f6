"""The demo program: the demo vendor and two more sites of other seeds and sizes, one of which games
its KPIs for one month (many very short handled calls, and quality falling), so the program view and
the integrity signals have something true to find. See docs/vendors.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import build_tables
from .setting import DEMO_MONTHS
from .writer import write_tables

GAMED_VENDOR, GAMED_MONTH = "Nordlys Porto", "2026-06"
#: display name -> (seed, agents, contacts per month); the first is the demo's own data (../data)
VENDORS = {"Nordlys Tallinn": None, GAMED_VENDOR: (7, 24, 4000), "Nordlys Cebu": (11, 24, 4000)}
GAMED_SHARE = 0.35  # of the month's handled voice calls, cut to a few seconds and left unresolved


def plant_gaming(interactions: pd.DataFrame, month: str, rng: np.random.Generator) -> pd.DataFrame:
    """A copy where GAMED_SHARE of `month`'s answered voice calls last 3-8 s, are not resolved and,
    when surveyed, score 1-2: the calls were cut, not served."""
    df = interactions.copy()
    in_month = df["created_at"].dt.strftime("%Y-%m") == month
    voice = (df["channel"].astype("string") == "voice") & df["answered_at"].notna()
    rows = df.index[in_month & voice]
    cut = rng.choice(rows, size=int(GAMED_SHARE * len(rows)), replace=False)
    df.loc[cut, "handle_time_s"] = rng.integers(3, 9, size=len(cut))
    df.loc[cut, "resolved"] = False
    surveyed = df.loc[cut, "csat"].notna()
    df.loc[cut[surveyed.to_numpy()], "csat"] = rng.integers(1, 3, size=int(surveyed.sum()))
    return df


def generate_program(folder: Path, contract: Path, demo_data: Path) -> Path:
    """Write the other vendors' data under `folder` and the program file; return its path."""
    folder = Path(folder)
    lines = ["program: Acme Travel customer service (demo)", "vendors:"]
    for name, setup in VENDORS.items():
        data = Path(demo_data).resolve()
        if setup is not None:
            seed, agents, contacts = setup
            tables = build_tables(seed=seed, agents=agents, contacts_per_month=contacts, months=DEMO_MONTHS)
            if name == GAMED_VENDOR:
                tables["interactions"] = plant_gaming(tables["interactions"], GAMED_MONTH,
                                                      np.random.default_rng(seed))
            data = folder / name.lower().replace(" ", "-")
            write_tables(tables, data, "csv")
        lines += [f"  - contract: {Path(contract).resolve()}", f"    data: {data.resolve()}", f"    name: {name}"]
    path = folder / "program.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
