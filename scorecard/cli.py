"""Command line: the only place that prints and chooses exit codes.

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

from . import __version__
from .allocator import use_jemalloc
from .errors import Problem, ScorecardError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def _add_data_options(p: argparse.ArgumentParser, *, period_required: bool) -> None:
    p.add_argument("contract", help="contract YAML file")
    p.add_argument("--data", required=True,
                   help="folder of canonical tables, or one export file read as the interactions table")
    p.add_argument("--mapping", help="column mapping: a YAML file or a preset name (see `scorecard presets`)")
    if period_required:
        p.add_argument("--period", required=True, help="YYYY-MM, YYYY-Qn or YYYY")
    else:
        _add_period_choice(p)
    p.add_argument("--grain", action="append", default=[],
                   help="also compute at this grain (repeatable): vendor, site, team_id, agent_id, "
                        "evaluator_id, channel, reason")
    p.add_argument("--engine", choices=["duckdb", "pandas", "spark"], default="pandas",
                   help="KPI engine: pandas (default), duckdb (embedded SQL, same numbers), spark (see docs/spark.md)")
    p.add_argument("--spark-master", metavar="URL",
                   help="with --engine spark: where Spark runs (default local[*]: every core here; "
                        "spark://host:7077, yarn, k8s://...; docs/spark.md)")


def _add_period_choice(p: argparse.ArgumentParser) -> None:
    """--period, or a month range --from/--to; neither: the data's last month."""
    p.add_argument("--period", help="YYYY-MM, YYYY-Qn or YYYY (default: the last month in the data)")
    p.add_argument("--from", dest="start", help="first month YYYY-MM (with --to)")
    p.add_argument("--to", dest="end", help="last month YYYY-MM (with --from)")


def _add_render_options(p: argparse.ArgumentParser, *, deck: bool, out: str, what: str) -> None:
    if deck:
        p.add_argument("--actions", help="actions file (YAML) carried from forum to forum")
        p.add_argument("--template", help="a .pptx template whose layouts are used by name")
    p.add_argument("--lang", choices=["en", "fr"], help="language (default: the contract's)")
    p.add_argument("--out", default=out, help=f"{what} (default: {out})")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scorecard",
        description="Performance governance of an outsourced customer service, from files.")
    parser.add_argument("--version", action="version", version=f"scorecard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check contracts against the schema and the KPI catalog")
    p.add_argument("contracts", nargs="+", help="contract YAML files")
    p.add_argument("--mapping", help="also check this column mapping (a YAML file or a preset name) "
                                     "and warn about KPI inputs it leaves out")

    sub.add_parser("schema", help="print the contract JSON Schema (for editor completion)")
    p = sub.add_parser("catalog", help="list the KPI catalog, or one metric's parameters, defaults, unit "
                                       "and formula")
    p.add_argument("metric", nargs="?", help="show this metric in full (e.g. service_level)")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language (default: en)")
    sub.add_parser("presets", help="list the column-mapping presets shipped with scorecard")

    p = sub.add_parser("evaluate", help="compute and score every KPI; write the result files")
    _add_data_options(p, period_required=False)
    p.add_argument("--out", default="output", help="output folder (default: output)")
    _add_csv_dialect(p)

    p = sub.add_parser("scorecards", help="per-role HTML scorecards, one per entity, with an index")
    _add_data_options(p, period_required=True)
    p.add_argument("--role", help="only this role (agent, team_lead, qa_team, trainer, operations_manager)")
    _add_render_options(p, deck=False, out="output/scorecards", what="output folder")
    _add_delivery_options(p)

    p = sub.add_parser("deck", help="the governance-forum slide deck (.pptx)")
    _add_data_options(p, period_required=True)
    _add_render_options(p, deck=True, out="output/deck.pptx", what="output .pptx file")

    p = sub.add_parser("run", help="results, scorecards and deck in one go")
    _add_data_options(p, period_required=True)
    _add_render_options(p, deck=True, out="output", what="output folder")
    _add_csv_dialect(p)
    _add_delivery_options(p)

    p = sub.add_parser("program", help="several vendors side by side: a program file of contracts and data")
    p.add_argument("program", help="program YAML file (program: NAME, vendors: [{contract, data}, ...])")
    _add_period_choice(p)
    p.add_argument("--out", default="output/program", help="output folder (default: output/program)")

    p = sub.add_parser("review", help="lint a contract; with --data, check its targets and minimums on the history")
    p.add_argument("contract", help="contract YAML file (a draft or a signed one)")
    p.add_argument("--data", help="folder of canonical tables: check targets, fairness of minimums, suggestions")
    p.add_argument("--mapping", help="column mapping: a YAML file or a preset name")
    p.add_argument("--from", dest="start", help="first month YYYY-MM (default: the data's first)")
    p.add_argument("--to", dest="end", help="last month YYYY-MM (default: the data's last)")
    p.add_argument("--suggest", action="store_true", help="propose a target and a minimum per KPI (needs --data)")
    p.add_argument("--strict", action="store_true", help="exit 3 when a finding is an error (for CI)")
    p.add_argument("--out", default="output/review", help="output folder (default: output/review)")

    p = sub.add_parser("backtest", help="a draft contract priced month by month on past data, beside the current one")
    p.add_argument("contract", help="the draft contract YAML file")
    p.add_argument("--against", help="the current contract, to compare with")
    p.add_argument("--data", required=True, help="folder of canonical tables")
    p.add_argument("--mapping", help="column mapping: a YAML file or a preset name")
    p.add_argument("--from", dest="start", required=True, help="first month YYYY-MM")
    p.add_argument("--to", dest="end", required=True, help="last month YYYY-MM")
    p.add_argument("--out", default="output/backtest", help="output folder (default: output/backtest)")

    p = sub.add_parser("demo", help="build the embedded demo data and contract, and run everything on it")
    p.add_argument("--out", default="output/demo", help="output folder (default: output/demo)")

    p = sub.add_parser("completion", help="print a shell completion script (needs `pip install shtab`)")
    p.add_argument("shell", choices=["bash", "zsh", "tcsh"], help="your shell")
    for command in [parser, *sub.choices.values()]:
        _add_global_options(command)
    return parser


def _add_csv_dialect(p: argparse.ArgumentParser) -> None:
    from .results import CSV_DIALECTS

    p.add_argument("--csv-dialect", choices=CSV_DIALECTS, default="default",
                   help="excel-fr: semicolons, decimal commas and a UTF-8 BOM, as a French Excel opens "
                        "them (default: comma and dot, docs/spec/OUTPUTS.md)")


def _add_delivery_options(p: argparse.ArgumentParser) -> None:
    from .deliver.delivery import add_options

    add_options(p)


def _add_global_options(p: argparse.ArgumentParser) -> None:
    """-v/-q/--debug before or after the command (`scorecard -q run ...`, `scorecard run ... -q`).
    SUPPRESS: a sub-command's parser would otherwise reset what the main parser read."""
    p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                   help="show each stage with its time")
    p.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                   help="print only warnings and errors (for scripts)")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="show the traceback of an internal error (also SCORECARD_DEBUG=1)")


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
    print(shtab.complete(_parser(), shell=args.shell))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _cmd_validate, "schema": _cmd_schema, "catalog": _cmd_catalog,
    "presets": _cmd_presets, "evaluate": _cmd_evaluate, "scorecards": _cmd_scorecards,
    "deck": _cmd_deck, "run": _cmd_run, "demo": _cmd_demo, "program": _cmd_program,
    "review": _cmd_review, "backtest": _cmd_backtest, "completion": _cmd_completion,
}


# Under -q these commands print nothing on success (their output is a report, not data).
QUIET_COMMANDS = ("validate", "evaluate", "scorecards", "deck", "run", "demo")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    use_jemalloc()
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
