"""The command line's grammar: every command, its arguments and their help, built in one place for
`cli.main` to parse and for `scorecard completion` to describe (shtab reads the same parser)."""

from __future__ import annotations

import argparse

from . import __version__

# `--csv-dialect` (results.write_results): "default" is spec/OUTPUTS.md's (comma, dot decimal, no BOM);
# "excel-fr" is what a French Excel opens by double-click (semicolon, decimal comma, UTF-8 BOM). Declared
# here, not imported from results.py: the parser is built for every command, and importing the result
# writers (pandas, pyarrow, the engine: about 1 s) would make `validate` or `catalog` pay for them.
CSV_DIALECTS = ("default", "excel-fr")


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


def build_parser() -> argparse.ArgumentParser:
    """Every command and option; `-v/-q/--debug` on the main parser and on each command."""
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
