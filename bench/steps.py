"""The timed steps of bench/run.py. Each runs in a fresh process (run.py starts it), so its wall
time, CPU time and peak memory are its own.

  generate   the demo generator writes the Parquet data set, once per size (bench/.cache)
  floor      read interactions.parquet, a cheap local month key (year * 100 + month), one groupby:
             the least any evaluator pays
  peer       one hand-written DuckDB query for the core KPIs at the same grains (bench/peer.py),
             checked equal to scorecard's results.csv of the `evaluate` step
  evaluate   `scorecard evaluate` of the sketch contract, 12 months, every grain, results written
  stages     the evaluate step with the wall and CPU time of each stage (bench/stages.py)
  spark      the same `evaluate` with `--engine spark --spark-master local[2]`
  scorecards the agent scorecards (and the other roles) for the last month
  deck       the governance deck for the last month
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
OUT = HERE / "out"
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"
VENDOR = "Nordlys Contact Services"
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
GRAINS = ["site", "team_id", "agent_id", "evaluator_id", "channel", "reason"]


@dataclass(frozen=True)
class Size:
    """One benchmark size: where its data is cached and its outputs written."""

    rows: int
    agents: int
    engine: str | None = None

    @property
    def data(self) -> Path:
        return CACHE / f"data-{self.rows}-{self.agents}"

    @property
    def out(self) -> Path:
        return OUT / f"{self.rows}-{self.agents}"

    def evaluate_args(self, out: Path, engine: str | None) -> list[str]:
        grains = sum([["--grain", g] for g in GRAINS], [])
        engine_args = ["--engine", engine] if engine else []
        if engine == "spark":
            engine_args += ["--spark-master", "local[2]"]
        return ["evaluate", str(CONTRACT), "--data", str(self.data), "--from", MONTHS[0], "--to", MONTHS[-1],
                "--out", str(out), *grains, *engine_args]


def generate(size: Size) -> dict:
    from scorecard.demo_data import generate as write_demo
    files = write_demo(size.data, agents=size.agents, months=MONTHS,
                       contacts_per_month=size.rows // len(MONTHS), fmt="parquet", faults=False)
    return {"files": len(files)}


def floor(size: Size) -> dict:
    """With the CLI's Arrow memory pool, so that the ratio compares the work, not the allocator."""
    import pandas as pd
    from scorecard.allocator import use_jemalloc
    use_jemalloc()
    df = pd.read_parquet(size.data / "interactions.parquet")
    local = df["created_at"].dt.tz_convert("Europe/Paris")
    month = local.dt.year * 100 + local.dt.month
    out = df.groupby([month, "agent_id"], observed=True)["handle_time_s"].mean()
    return {"groups": len(out)}


def evaluate(size: Size) -> dict:
    from scorecard.cli import main
    return {"exit": main(size.evaluate_args(size.out / "results", size.engine))}


def stages(size: Size) -> dict:
    """The evaluate step with each stage's wall and CPU seconds and peak memory (bench/stages.py), the
    CLI's imports timed as the start-up stage."""
    from stages import timed_stages
    out = size.out / f"results-stages-{os.getpid()}"  # its own folder: another bench may be running
    try:
        with timed_stages() as (totals, peaks):
            from scorecard.cli import main
            code = main(size.evaluate_args(out, size.engine))
    finally:
        shutil.rmtree(out, ignore_errors=True)  # nothing reads it, even after a failed run
    return {"exit": code, "stages": {stage: [round(wall, 2), round(cpu, 2)] for stage, (wall, cpu) in totals.items()},
            "stage_peaks": {stage: round(mb) for stage, mb in peaks.items()}}


def spark(size: Size) -> dict:
    """The evaluate step on Spark, its results.csv compared with the evaluate step's: the same
    cells, counts and statuses exactly, values within 1e-12 relative. The Spark JVM is stopped
    and waited for before the figures are read, so its CPU time and memory count."""
    from peer import read_results, value_diff
    from pyspark import SparkContext
    from scorecard.cli import main
    out = size.out / "results-spark"
    code = main(size.evaluate_args(out, "spark"))
    gateway = SparkContext._gateway
    SparkContext._active_spark_context.stop()
    gateway.shutdown()
    gateway.proc.stdin.close()  # the JVM exits when its stdin closes
    gateway.proc.wait()
    theirs = size.out / "results" / "results.csv"
    if code or not theirs.exists():
        return {"exit": code}
    a, b = read_results(theirs), read_results(out / "results.csv")
    keys = ["period", "kpi", "grain", "entity", "n", "status"]
    same_cells = len(a) == len(b) and (a[keys].astype(str).to_numpy() == b[keys].astype(str).to_numpy()).all()
    identical, worst = value_diff(a["value"], b["value"]) if same_cells else (0, float("inf"))
    return {"exit": code, "cells": len(b), "identical": identical, "max_rel_diff": worst,
            "same_as_evaluate": bool(same_cells and worst <= 1e-12)}


def peer(size: Size) -> dict:
    from peer import compare, run_peer
    cells = run_peer(size.data / "interactions.parquet")
    results = size.out / "results" / "results.csv"
    check = compare(cells, results, VENDOR, MONTHS) if results.exists() else {"ok": None}
    return {"peer_cells": len(cells), **check}


def scorecards(size: Size) -> dict:
    from scorecard.cli import main
    out = size.out / "scorecards"
    code = main(["scorecards", str(CONTRACT), "--data", str(size.data), "--period", MONTHS[-1], "--out", str(out)])
    return {"exit": code, "cards": sum(1 for _ in out.rglob("*.html"))}


def deck(size: Size) -> dict:
    from scorecard.cli import main
    return {"exit": main(["deck", str(CONTRACT), "--data", str(size.data), "--period", MONTHS[-1],
                          "--out", str(size.out / "deck.pptx")])}


STEPS: dict[str, Callable[[Size], dict]] = {
    "generate": generate, "floor": floor, "peer": peer, "evaluate": evaluate, "stages": stages, "spark": spark,
    "scorecards": scorecards, "deck": deck}
