"""Time the governance deck for the demo: `python bench/bench_deck.py [--repeat N]`.

The deck is built at every forum and in `scorecard run`, so it must stay well under the 10 s
budget (2 cores). Prints the wall time of data generation, evaluation and the deck separately, so a
regression is pinned on the right stage.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pptx import Presentation

from scorecard.contract.loader import load_contract
from scorecard.data import load_dataset
from scorecard.demo import DEMO_ACTIONS, DEMO_CONTRACT
from scorecard.demo_data import DEMO_MONTHS, generate
from scorecard.evaluate import evaluate
from scorecard.periods import parse_period
from scorecard.render.deck import write_deck
from scorecard.resources import shipped

BUDGET_S = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="deck builds to time (best and worst shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        generate(out / "data")
        contract = load_contract(shipped(DEMO_CONTRACT))
        dataset = load_dataset(out / "data", contract=contract)
        loaded = time.perf_counter()
        evaluation = evaluate(contract, dataset, [parse_period(m) for m in DEMO_MONTHS])
        evaluated = time.perf_counter()
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            deck = write_deck(evaluation, out / "deck.pptx", actions=shipped(DEMO_ACTIONS))
            times.append(time.perf_counter() - t0)
        slides = len(Presentation(str(deck)).slides)
    print(f"demo data + load:  {loaded - start:6.2f} s")
    print(f"evaluate:          {evaluated - loaded:6.2f} s")
    print(f"deck ({slides} slides): {min(times):6.2f} s best, {max(times):.2f} s worst of {args.repeat}")
    total = evaluated - loaded + max(times)
    print(f"evaluate + deck:   {total:6.2f} s (budget {BUDGET_S:.0f} s: {'ok' if total < BUDGET_S else 'OVER'})")


if __name__ == "__main__":
    main()
