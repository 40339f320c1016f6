"""Command line: the only place that prints and chooses exit codes (the commands' arguments: cli_args.py).

Every command turns `ScorecardError` (bad input) into its located messages and exit code 2, and any
other exception into a one-line internal error with exit code 1: a user never sees a traceback
(unless asked for one with --debug or SCORECARD_DEBUG=1, to report the bug).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import traceback
from pathlib import Path
from typing import Callable, Sequence

from .allocator import free_duckdb_pages_at_once, use_jemalloc
from .cli_args import build_parser
from .errors import Problem, ScorecardError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def _progress(args: argparse.Namespace):
    from .cli_report import Progress

    return Progress(verbose=getattr(args, "verbose", False), quiet=getattr(args, "quiet", False))


def _evaluation(args: argparse.Namespace):
    """Load contract and data, and evaluate the asked periods (shared by evaluate/scorecards/deck/run)."""
    from .contract.loader import load_contract
    from .data import load_dataset
    from .data.plausibility import warning_lines
    from .evaluate import evaluate, resolve_periods
    from .term import notes
    from .versions import span_notes

    if getattr(args, "spark_master", None) and args.engine != "spark":
        raise ScorecardError(Problem(f"only the Spark engine reads it (this run uses {args.engine})",
                                     field="--spark-master", hint="add --engine spark, or leave --spark-master out"))
    progress = _progress(args)
    with progress.stage("reading the contract and the data, data checks"):
        contract = load_contract(Path(args.contract))
        dataset = load_dataset(Path(args.data), contract=contract, mapping=args.mapping)
    for name in dataset.ignored:
        print(f"note: {name} is not one of the canonical tables: ignored", file=sys.stderr)
    for line in warning_lines(dataset):
        print(f"warning: {line}", file=sys.stderr)
    periods = resolve_periods(dataset, contract, period=args.period,
                              start=getattr(args, "start", None), end=getattr(args, "end", None))
    with progress.stage("KPIs and scoring"):
        evaluation = evaluate(contract, dataset, periods, extra_grains=tuple(args.grain), engine=args.engine,
                              spark_master=getattr(args, "spark_master", None))
    for line in [*notes(periods, evaluation.left_out), *span_notes(periods, evaluation.versions)]:
        print(f"note: {line}", file=sys.stderr)
    return evaluation


def _cmd_validate(args: argparse.Namespace) -> int:
    from .contract.mapping_check import check_files

    problems, warnings = check_files([Path(p) for p in args.contracts], args.mapping)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for p in args.contracts:
        print(f"{p}: valid")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from .schema_files import schema_text

    print(schema_text("contract.v1.json"), end="")
    return EXIT_OK


def _cmd_catalog(args: argparse.Namespace) -> int:
    from .catalog import catalog
    from .catalog_text import metric_lines, unknown_metric

    metrics = catalog()
    if args.metric:
        if args.metric not in metrics:
            raise unknown_metric(args.metric, metrics)
        print("\n".join(metric_lines(metrics[args.metric], args.lang)))
        return EXIT_OK
    for m in metrics.values():
        print(f"{m.name:30} {m.abbr:6} {m.unit:9} {m.direction:8} {m.description[args.lang]}")
    return EXIT_OK


def _cmd_presets(args: argparse.Namespace) -> int:
    from .data.mapping import preset_names

    for name, summary in preset_names().items():
        print(f"{name:24} {summary}")
    return EXIT_OK


# Commands that write a folder write it as one set (outputs.py): the folder is locked from the
# start, so a second run into it exits 2 at once, and nothing in it changes until the commit.

def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .outputs import output_set
    from .results import write_results

    with output_set(Path(args.out), "evaluate") as stage:
        evaluation = _evaluation(args)
        with _progress(args).stage("writing the result files"):
            written = write_results(evaluation, stage.path, csv_dialect=args.csv_dialect)
            manifest = stage.commit(evaluation)
    _report(evaluation, [stage.final(p) for p in written] + [manifest], Path(args.out))
    return EXIT_OK


def _cmd_scorecards(args: argparse.Namespace) -> int:
    from .deliver.delivery import Delivery
    from .outputs import output_set
    from .render.html import other_roles, write_scorecards
    from .render.html.scorecards import pick_roles

    delivery = Delivery.from_args(args, Path(args.out))
    with output_set(Path(args.out), "scorecards") as stage:
        evaluation = _evaluation(args)
        roster = delivery.read_roster(evaluation)
        stage.carry(other_roles(args.role))
        written = write_scorecards(evaluation, stage.path, role=args.role, lang=args.lang)
        pdfs = delivery.print_pdfs(written)
        stage.commit(evaluation)
    print(f"{len(written)} scorecard file(s) written under {args.out}" + (f", {len(pdfs)} PDF(s) beside the cards"
                                                                         if pdfs else ""))
    return _delivered(delivery.deliver(evaluation, Path(args.out), roster, pick_roles(evaluation, args.role),
                                       args.lang))


def _delivered(report) -> int:
    """Print what delivery did; a refused address makes the exit code 2, with every refusal listed."""
    for line in report.lines:
        print(line)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    if report.failures:
        raise ScorecardError(report.failures)
    return EXIT_OK


def _notes(notes: Sequence[str]) -> None:
    for line in notes:
        print(f"note: {line}", file=sys.stderr)


def _cmd_deck(args: argparse.Namespace) -> int:
    from .outputs import check_outside_sets, output_set
    from .render.deck import write_deck

    out, notes = Path(args.out), list[str]()
    options = dict(actions=args.actions, template=args.template, lang=args.lang, notes=notes)
    if out.suffix.lower() == ".pptx":  # one file, replaced atomically
        check_outside_sets(out)
        path = write_deck(_evaluation(args), out, **options)
    else:  # a folder: deck.pptx and manifest.json as one set
        with output_set(out, "deck") as stage:
            evaluation = _evaluation(args)
            path = stage.final(write_deck(evaluation, stage.path / "deck.pptx", **options))
            stage.commit(evaluation)
    _notes(notes)
    print(f"deck written: {path}")
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from .deliver.delivery import Delivery
    from .outputs import output_set, write_run

    out, notes = Path(args.out), list[str]()
    delivery = Delivery.from_args(args, out / "scorecards")
    with output_set(out, "run") as stage:
        evaluation = _evaluation(args)
        roster = delivery.read_roster(evaluation)
        files = write_run(stage, evaluation, actions=args.actions, template=args.template, lang=args.lang,
                          notes=notes, csv_dialect=args.csv_dialect, step=_progress(args).stage,
                          pdfs=delivery.print_pdfs if delivery.pdf else None)
    _notes(notes)
    _report(evaluation, files.results + [files.manifest], out)
    print(f"{len(files.cards)} scorecard file(s) under {out / 'scorecards'}; deck: {files.deck}")
    roles = list(evaluation.contract.card_roles().values())
    return _delivered(delivery.deliver(evaluation, out / "scorecards", roster, roles, args.lang))


def _cmd_program(args: argparse.Namespace) -> int:
    from .outputs import output_set
    from .program.read import read_program
    from .program.write import evaluate_vendors, write_program

    with output_set(Path(args.out), "program") as stage:
        program = read_program(Path(args.program))
        written = write_program(stage, program, evaluate_vendors(program, args.period, args.start, args.end))
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    for line in run_demo(Path(args.out)):
        print(line)
    return EXIT_OK


EXIT_REVIEW_ERROR = 3  # review --strict: the contract has an `error` finding


def _cmd_review(args: argparse.Namespace) -> int:
    from .review.commands import run_review

    result, lines = run_review(args)
    print("\n".join(lines))
    return EXIT_REVIEW_ERROR if args.strict and result.has_error else EXIT_OK


def _cmd_backtest(args: argparse.Namespace) -> int:
    from .review.commands import run_backtest

    print("\n".join(run_backtest(args)[1]))
    return EXIT_OK


def _report(evaluation, written: Sequence[Path], folder: Path) -> None:
    """The files written, then the console summary (score, red KPIs, credits, data quality)."""
    from .cli_report import summary_lines

    for path in written:
        print(f"wrote {path}")
    for line in summary_lines(evaluation, folder):
        print(line)


def _cmd_completion(args: argparse.Namespace) -> int:
    try:
        import shtab
    except ImportError:
        raise ScorecardError(Problem("shell completion needs the shtab package", field="completion",
                                     hint="pip install 'scorecard[completion]' (or pip install shtab)")) from None
    print(shtab.complete(build_parser(), shell=args.shell))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _cmd_validate, "schema": _cmd_schema, "catalog": _cmd_catalog,
    "presets": _cmd_presets, "evaluate": _cmd_evaluate, "scorecards": _cmd_scorecards,
    "deck": _cmd_deck, "run": _cmd_run, "demo": _cmd_demo, "program": _cmd_program,
    "review": _cmd_review, "backtest": _cmd_backtest, "completion": _cmd_completion,
}


# Under -q these commands print nothing on success (their output is a report, not data).
QUIET_COMMANDS = ("validate", "evaluate", "scorecards", "deck", "run", "demo")
# Commands that read a data set (review only with --data): Arrow's pool is chosen for them alone, so the
# others do not import pyarrow for it (allocator.py).
DATA_COMMANDS = ("evaluate", "scorecards", "deck", "run", "program", "backtest", "demo")


def reads_data(args: argparse.Namespace) -> bool:
    """Whether the parsed command reads a data set (and so wants jemalloc for Arrow's buffers)."""
    return args.command in DATA_COMMANDS or (args.command == "review" and args.data is not None)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if reads_data(args):
        use_jemalloc()
        free_duckdb_pages_at_once()
    debug = getattr(args, "debug", False) or os.environ.get("SCORECARD_DEBUG", "") not in ("", "0")
    quiet = getattr(args, "quiet", False) and args.command in QUIET_COMMANDS
    try:
        with contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext():
            return COMMANDS[args.command](args)
    except ScorecardError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: nothing was changed in the output folder (it keeps its previous set)", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: no traceback unless asked (--debug)
        if debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in scorecard; please report it with the command you ran.", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
