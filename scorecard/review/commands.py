"""The `review` and `backtest` commands behind cli.py: read the inputs, compute, write one output
set, and return the lines to print. cli.py keeps the printing and the exit codes."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..contract.loader import load_contract
from ..contract.model import Contract
from ..data import Dataset, load_dataset
from ..errors import Problem, ScorecardError
from ..evaluate import data_months, resolve_periods
from ..outputs import output_set
from ..periods import Period
from . import Review, review
from .backtest import DIFFERENCE, Backtest, backtest
from .backtest_report import write_backtest
from .report import Provenance, counts, write_review
from .history import MIN_MONTHS
from .suggest import yaml_fragment


def _data(contract: Contract, args: argparse.Namespace) -> Dataset:
    return load_dataset(Path(args.data), contract=contract, mapping=args.mapping)


def _months(dataset: Dataset, contract: Contract, args: argparse.Namespace) -> list[Period]:
    """--from..--to, else every month of the data."""
    start, end = args.start, args.end
    if not (start or end):
        start, end = data_months(dataset, contract)
    return resolve_periods(dataset, contract, start=start, end=end)


def run_review(args: argparse.Namespace) -> tuple[Review, list[str]]:
    contract = load_contract(Path(args.contract))
    if args.data is None:
        if args.suggest or args.start or args.end:
            raise ScorecardError(Problem("--suggest, --from and --to need the data the history is read from",
                                         field="--data", hint="add --data FOLDER (the canonical tables)"))
        result = review(contract)
    else:
        dataset = _data(contract, args)
        result = review(contract, dataset, _months(dataset, contract, args), suggest=args.suggest)
    with output_set(Path(args.out), "review") as stage:
        written = write_review(result, stage.path)
        stage.commit(Provenance(contract, result.periods, result.inputs))  # type: ignore[arg-type]
    n = counts(result)
    lines = [str(f) for f in result.findings]
    lines.append(f"{n['error']} error(s), {n['warning']} warning(s), {n['advice']} advice")
    if result.suggestions:
        lines += ["suggested targets and minimums (paste into the contract):", yaml_fragment(result.suggestions)]
    elif args.suggest:
        lines.append(f"no target suggested: a suggestion needs at least {MIN_MONTHS} measured months of a KPI "
                     f"(the data hold {len(result.periods)}); give more history with --data")
    lines += [f"wrote {stage.final(p)}" for p in written]
    return result, lines


def run_backtest(args: argparse.Namespace) -> tuple[Backtest, list[str]]:
    draft = load_contract(Path(args.contract))
    pairs = [(draft, _data(draft, args))]
    if args.against:
        current = load_contract(Path(args.against))
        pairs.append((current, _data(current, args)))
    periods = resolve_periods(pairs[0][1], draft, start=args.start, end=args.end)
    result = backtest(pairs, periods)
    inputs = {f: h for _, d in pairs for f, h in d.hashes.items()}
    with output_set(Path(args.out), "backtest") as stage:
        written = write_backtest(result, stage.path, draft.currency)
        stage.commit(Provenance(draft, result.months, inputs))  # type: ignore[arg-type]
    rows = result.rows
    lines = []
    for r in rows[(rows["period"] == "TOTAL") & (rows["contract"] != DIFFERENCE)].to_dict("records"):
        lines.append(f"{r['contract']}: credits {r['credit']} {draft.currency}, earned back {r['earned_back']}, "
                     f"bonus {r['bonus']}, mean score {r['score']:.1f} ({result.months[0]} to {result.months[-1]})")
    diff = rows[(rows["contract"] == DIFFERENCE) & (rows["period"] == "TOTAL")]
    if len(diff):
        d = diff.iloc[0]
        lines.append(f"difference (draft - current): credits {d['credit']:+} {draft.currency}, "
                     f"bonus {d['bonus']:+}, mean score {d['score']:+.1f}")
    lines += [f"wrote {stage.final(p)}" for p in written]
    return result, lines
