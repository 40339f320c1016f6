"""`scorecard demo`: build the embedded demo data set and run the whole product on it.

The demo contract is the spec's sketch (contracts/acme-travel-nordlys.yaml); the data come from the
seeded generator, so every figure in output/demo can be reproduced exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .contract.loader import load_contract
from .data import load_dataset
from .demo_data import DEMO_MONTHS, generate
from .evaluate import evaluate
from .outputs import output_set, write_run
from .periods import parse_period
from .resources import shipped

DEMO_CONTRACT = "contracts/acme-travel-nordlys.yaml"
DEMO_ACTIONS = "examples/actions.yaml"


def run_demo(out: Path) -> Iterator[str]:
    """Generate the data, evaluate every demo month, and write results, scorecards and the deck as
    one set (outputs.py); `data/` is beside the set, not part of it."""
    out = Path(out)
    with output_set(out, "demo") as stage:
        data_dir = out / "data"
        files = generate(data_dir)
        yield f"demo data: {len(files)} tables written under {data_dir}"
        contract = load_contract(shipped(DEMO_CONTRACT))
        dataset = load_dataset(data_dir, contract=contract)
        evaluation = evaluate(contract, dataset, [parse_period(m) for m in DEMO_MONTHS])
        written = write_run(stage, evaluation, actions=shipped(DEMO_ACTIONS))
    for path in written.results + [written.manifest]:
        yield f"wrote {path}"
    quarantined = int((dataset.quality["action"] == "quarantined").sum()) if len(dataset.quality) else 0
    yield f"data quality: {len(dataset.quality)} problem(s), {quarantined} row(s) quarantined (data_quality.csv)"
    yield f"{len(written.cards)} scorecard file(s) under {out / 'scorecards'} (open index.html)"
    yield f"deck: {written.deck} (period {evaluation.periods[-1]})"
