"""Benchmark: render 2,000 agent scorecards (and, with --all-roles, every role) from a synthetic
Evaluation at that scale, and print the wall time against the 20-second budget (2 cores).

Only rendering is timed: the synthetic Evaluation (tests/fixtures_evaluation.py) is built first,
so the figure is the cost of the HTML generator alone.

Usage: python bench/bench_scorecards.py [--agents 2000] [--all-roles] [--lang en|fr] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures_evaluation import make_evaluation  # noqa: E402

from scorecard.render.html import write_scorecards  # noqa: E402

BUDGET_S = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--all-roles", action="store_true", help="render every role, not only agents")
    parser.add_argument("--lang", default="en", choices=["en", "fr"])
    parser.add_argument("--out", help="output folder (default: a temporary folder, removed after)")
    args = parser.parse_args()

    start = time.perf_counter()
    evaluation = make_evaluation(n_agents=args.agents, agents_per_team=12)
    built = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        start = time.perf_counter()
        files = write_scorecards(evaluation, out, role=None if args.all_roles else "agent", lang=args.lang)
        wall = time.perf_counter() - start
        size = sum(p.stat().st_size for p in files)
    cards = len(files) - 2 if not args.all_roles else len(files)
    print(f"synthetic evaluation: {len(evaluation.results):,} result rows, "
          f"{len(evaluation.history):,} history rows, built in {built:.1f} s")
    print(f"rendered {len(files):,} files ({cards:,} {'files' if args.all_roles else 'agent cards'}, "
          f"{size / 1e6:.1f} MB) in {wall:.2f} s wall: {wall / max(len(files), 1) * 1000:.2f} ms per file; "
          f"budget {BUDGET_S:.0f} s: {'OK' if wall < BUDGET_S else 'OVER'}")
    return 0 if wall < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
