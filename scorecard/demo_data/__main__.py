"""`python -m scorecard.demo_data OUT_DIR`: regenerate the demo tables from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import DEMO_MONTHS, FORMATS, generate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scorecard.demo_data",
                                     description="Write the seeded demo data set (canonical tables).")
    parser.add_argument("out_dir", type=Path, help="folder to write the tables into")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default: 2026)")
    parser.add_argument("--agents", type=int, default=48, help="number of agents (default: 48)")
    parser.add_argument("--months", nargs="+", default=list(DEMO_MONTHS), metavar="YYYY-MM",
                        help="months to generate (default: 2026-01 .. 2026-08)")
    parser.add_argument("--contacts-per-month", type=int, default=9000, help="contacts per month (default: 9000)")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="file format (default: csv)")
    parser.add_argument("--no-faults", action="store_true", help="do not inject the data-quality faults")
    args = parser.parse_args(argv)
    try:
        written = generate(args.out_dir, seed=args.seed, months=args.months, agents=args.agents,
                           contacts_per_month=args.contacts_per_month, fmt=args.format,
                           faults=not args.no_faults)
    except ValueError as exc:
        parser.error(str(exc))
    for name, path in written.items():
        print(f"{name:15s} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
