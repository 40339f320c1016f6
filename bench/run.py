"""Benchmark: `scorecard evaluate` against a floor and a hand-written DuckDB peer, in one run.

For each size (default 1,000,000 and 5,000,000 interactions over 12 months, agents = rows / 2,500)
the demo generator writes a Parquet data set once (cached in bench/.cache), then each step runs in
a fresh Python process (see bench/steps.py) and reports wall time, CPU time and peak memory (max
RSS, the process and its children). The table ends with evaluate / peer and evaluate / floor, and
whether the peer's values equal scorecard's on every shared cell.

Usage: python bench/run.py [--rows 1000000,5000000] [--large] [--steps floor,evaluate,peer]
                           [--repeat N] [--engine NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

from steps import OUT, STEPS, Size

DEFAULT_ROWS = (1_000_000, 5_000_000)
LARGE_ROWS = (20_000_000, 50_000_000)
RATIOS = (("evaluate", "peer"), ("evaluate", "floor"), ("spark", "evaluate"))


def _cpu_s() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _child(step: str, size: Size) -> None:
    """Run one step in this process and print its figures as JSON on the last line."""
    start, cpu = time.perf_counter(), _cpu_s()
    info = STEPS[step](size)
    wall = time.perf_counter() - start
    peak_kb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    # the stages step resets the high-water mark at each stage (ru_maxrss with it): its peak is theirs
    peak_mb = max([round(peak_kb / 1024), *info.get("stage_peaks", {}).values()])
    print(json.dumps({"step": step, "rows": size.rows, "wall_s": round(wall, 2),
                      "cpu_s": round(_cpu_s() - cpu, 2), "peak_mb": peak_mb, **info}))


def _run(step: str, size: Size) -> dict:
    args = [sys.executable, __file__, "--child", step, "--rows", str(size.rows), "--agents", str(size.agents)]
    proc = subprocess.run(args + (["--engine", size.engine] if size.engine else []),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"step {step} at {size.rows:,} rows failed:\n{proc.stderr[-3000:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    if figures.get("exit") not in (None, 0):
        raise SystemExit(f"step {step} at {size.rows:,} rows exited {figures['exit']}:\n"
                         f"{proc.stderr[-2000:]}{proc.stdout[-2000:]}")  # a locked folder says so on stderr
    return figures


# The demo generator holds its internal frame of every month (about 144 bytes a row) and labels and
# writes the interactions 1,048,576 rows at a time (scorecard/demo_data): measured 786 MB max RSS at
# 1 M rows and 1,675 MB at 5 M (about 222 bytes a row above 560 MB; the traced peak while generating
# is 248 bytes a row), so 300 a row leaves a margin: 20 M rows need 6 GB, 50 M 15 GB. The Parquet
# files take 46 bytes a row (229 MB at 5 M).
GENERATE_BYTES_PER_ROW = 300
DISK_BYTES_PER_ROW = 50


def _check_memory(size: Size) -> None:
    """Refuse to generate a size whose generation would not fit in the memory or disk available now."""
    try:  # Linux; elsewhere the memory is not checked
        with open("/proc/meminfo") as info:
            available = next(int(line.split()[1]) * 1024 for line in info if line.startswith("MemAvailable:"))
    except (OSError, StopIteration):
        available = None
    need = size.rows * GENERATE_BYTES_PER_ROW
    if available is not None and need > available:
        raise SystemExit(f"generating {size.rows:,} rows takes about {need / 2**30:.0f} GB of memory, "
                         f"{available / 2**30:.0f} GB are available")
    folder = next(p for p in (size.data, *size.data.parents) if p.exists())
    free, need = shutil.disk_usage(folder).free, size.rows * DISK_BYTES_PER_ROW
    if need > free:
        raise SystemExit(f"the data of {size.rows:,} rows takes about {need / 2**30:.1f} GB on disk, "
                         f"{free / 2**30:.1f} GB are free in {folder}")


def _median(runs: list[dict]) -> dict:
    """The run with the median wall time, with the spread of all runs."""
    ordered = sorted(runs, key=lambda f: f["wall_s"])
    out = dict(ordered[len(ordered) // 2])
    out["runs"] = len(runs)
    out["wall_range"] = [ordered[0]["wall_s"], ordered[-1]["wall_s"]]
    out["wall_s"] = round(statistics.median(f["wall_s"] for f in runs), 2)
    return out


def _report(size: Size, figures: list[dict]) -> None:
    by_step = {f["step"]: f for f in figures}
    print(f"\n{size.rows:,} interactions, {size.agents:,} agents, 12 months "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'step':<12}{'wall s':>9}{'cpu s':>9}{'peak MB':>10}{'rows/s':>12}")
    for f in figures:
        print(f"{f['step']:<12}{f['wall_s']:>9.2f}{f['cpu_s']:>9.2f}{f['peak_mb']:>10,}"
              f"{size.rows / max(f['wall_s'], 1e-9):>12,.0f}")
    for a, b in RATIOS:
        if a in by_step and b in by_step:
            wall = by_step[a]["wall_s"] / by_step[b]["wall_s"]
            cpu = by_step[a]["cpu_s"] / max(by_step[b]["cpu_s"], 1e-9)
            print(f"{a} / {b}: {wall:.1f}x wall, {cpu:.1f}x CPU")
    if "stages" in by_step:
        _report_stages(by_step["stages"])
    spark = by_step.get("spark", {})
    if "same_as_evaluate" in spark:
        print(f"spark vs evaluate: {spark['cells']:,} cells, {spark['identical']:,} identical, max relative "
              f"difference {spark['max_rel_diff']:.1e}: {'EQUAL' if spark['same_as_evaluate'] else 'DIFFERENT'}")
    check = by_step.get("peer", {})
    if check.get("ok") is not None:
        print(f"peer vs scorecard: {check['cells']:,} shared cells, {check['identical']:,} identical, "
              f"max relative difference {check['max_rel_diff']:.1e}, counts differing {check['n_differ']}, "
              f"cells on one side only {check['only_scorecard'] + check['only_peer']}: "
              f"{'EQUAL' if check['ok'] else 'DIFFERENT'}")


def _report_stages(figures: dict) -> None:
    """Each stage of the stages step, and what the run spent outside them."""
    stages, peaks = figures["stages"], figures.get("stage_peaks", {})
    print(f"\nstages of evaluate{'':<14}{'wall s':>9}{'cpu s':>9}{'cpu %':>8}{'peak MB':>9}")
    rest = (figures["wall_s"] - sum(w for w, _ in stages.values()),
            figures["cpu_s"] - sum(c for _, c in stages.values()))
    for name, (wall, cpu) in [*stages.items(), ("everything else", rest)]:
        peak = f"{peaks[name]:>9,}" if name in peaks else ""
        print(f"{name:<32}{wall:>9.2f}{cpu:>9.2f}{100 * cpu / max(figures['cpu_s'], 1e-9):>7.0f}%{peak}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", help="comma-separated sizes (default 1000000,5000000)")
    parser.add_argument("--large", action="store_true", help="add 20 M and 50 M rows (long: minutes each)")
    parser.add_argument("--agents", type=int, help="agents (default rows / 2,500, at least 48)")
    parser.add_argument("--steps", default="floor,evaluate,peer", help=f"any of {','.join(STEPS)}")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step; the median is shown")
    parser.add_argument("--engine", help="passed to `scorecard evaluate --engine` in the evaluate step")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = [int(r) for r in args.rows.split(",")] if args.rows else list(DEFAULT_ROWS)
    rows += list(LARGE_ROWS) if args.large else []
    sizes = [Size(r, args.agents or max(48, r // 2500), args.engine) for r in rows]
    if args.child:
        return _child(args.child, sizes[0])
    steps = args.steps.split(",")
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise SystemExit(f"unknown step {', '.join(unknown)}: use any of {', '.join(STEPS)}")
    all_figures = []
    for size in sizes:
        figures = []
        if not (size.data / "interactions.parquet").exists():
            _check_memory(size)
            figures.append(_run("generate", size))
        for step in steps:
            figures.append(_median([_run(step, size) for _ in range(max(args.repeat, 1))]))
        _report(size, figures)
        all_figures += figures
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "figures.json").write_text(json.dumps(all_figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
