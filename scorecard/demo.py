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
from .demo_data.program import generate_program
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
    yield from _program(out, data_dir)


def _program(out: Path, data_dir: Path) -> Iterator[str]:
    """The demo program (demo_data/program.py): three sites side by side, one gaming a month."""
    from .program.read import read_program
    from .program.write import evaluate_vendors, write_program

    with output_set(out / "program", "program") as stage:
        program = read_program(generate_program(out / "program-data", shipped(DEMO_CONTRACT), data_dir))
        evaluations = evaluate_vendors(program, start=DEMO_MONTHS[0], end=DEMO_MONTHS[-1])
        written = write_program(stage, program, evaluations)
    yield f"program of {len(evaluations)} vendors: {written[0].parent / 'program.html'} and integrity.csv"
