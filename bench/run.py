"""Benchmark: 5,000,000 interactions over 12 months with 2,000 agents, against the floor.

Each step runs in a fresh Python process, so its wall time and peak memory (max RSS) are its own:
  generate   the demo generator writes the Parquet data set (cached in bench/out/data)
  floor      read interactions.parquet and one plain pandas groupby: the least any evaluator pays
  evaluate   `scorecard evaluate` of the sketch contract, every grain, 12 months, results written
  scorecards the 2,000 agent scorecards (and the other roles) for the last month
  deck       the governance deck for the last month

Usage: python bench/run.py [--rows 5000000] [--agents 2000] [--steps floor,evaluate,...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
GRAINS = ["site", "team_id", "agent_id", "evaluator_id", "channel", "reason"]


def _data_dir(rows: int, agents: int) -> Path:
    return OUT / f"data-{rows}-{agents}"


def step_generate(rows: int, agents: int) -> dict:
    from scorecard.demo_data import generate
    files = generate(_data_dir(rows, agents), agents=agents, months=MONTHS,
                     contacts_per_month=rows // len(MONTHS), fmt="parquet", faults=False)
    return {"files": {k: str(v) for k, v in files.items()}}


def step_floor(rows: int, agents: int) -> dict:
    import pandas as pd
    df = pd.read_parquet(_data_dir(rows, agents) / "interactions.parquet")
    month = df["created_at"].dt.tz_convert("Europe/Paris").dt.strftime("%Y-%m")
    out = df.groupby([month, "agent_id"], observed=True)["handle_time_s"].mean()
    return {"rows": len(df), "groups": len(out)}


def step_evaluate(rows: int, agents: int) -> dict:
    from scorecard.cli import main
    code = main(["evaluate", str(CONTRACT), "--data", str(_data_dir(rows, agents)), "--from", MONTHS[0],
                 "--to", MONTHS[-1], "--out", str(OUT / "results"), *sum([["--grain", g] for g in GRAINS], [])])
    return {"exit": code, "rows": rows}


def step_scorecards(rows: int, agents: int) -> dict:
    from scorecard.cli import main
    code = main(["scorecards", str(CONTRACT), "--data", str(_data_dir(rows, agents)), "--period", MONTHS[-1],
                 "--out", str(OUT / "scorecards")])
    return {"exit": code, "cards": sum(1 for _ in (OUT / "scorecards").rglob("*.html"))}


def step_deck(rows: int, agents: int) -> dict:
    from scorecard.cli import main
    code = main(["deck", str(CONTRACT), "--data", str(_data_dir(rows, agents)), "--period", MONTHS[-1],
                 "--out", str(OUT / "deck.pptx")])
    return {"exit": code}


STEPS = {"generate": step_generate, "floor": step_floor, "evaluate": step_evaluate,
         "scorecards": step_scorecards, "deck": step_deck}


def _child(step: str, rows: int, agents: int) -> None:
    """Run one step in this process and print its figures as JSON on the last line."""
    start = time.perf_counter()
    info = STEPS[step](rows, agents)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": step, "wall_s": round(wall, 2), "peak_mb": round(peak_mb), **info}))


def _run(step: str, rows: int, agents: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", step, "--rows", str(rows),
                           "--agents", str(agents)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--steps", default="floor,evaluate,scorecards,deck")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.child, args.rows, args.agents)
    figures = []
    if not (_data_dir(args.rows, args.agents) / "interactions.parquet").exists():
        figures.append(_run("generate", args.rows, args.agents))
    for step in args.steps.split(","):
        figures.append(_run(step, args.rows, args.agents))
    floor = next((f["wall_s"] for f in figures if f["step"] == "floor"), None)
    print(f"{'step':<12}{'wall s':>9}{'peak MB':>10}{'rows/s':>12}{'x floor':>9}")
    for f in figures:
        rate = f"{args.rows / f['wall_s']:,.0f}" if f["step"] in ("floor", "evaluate") else ""
        ratio = f"{f['wall_s'] / floor:.1f}" if floor and f["step"] != "floor" else ""
        print(f"{f['step']:<12}{f['wall_s']:>9.2f}{f['peak_mb']:>10,}{rate:>12}{ratio:>9}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "figures.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
