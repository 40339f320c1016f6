"""What the CLI tells a user after and during a run: the console summary of an evaluation and the
progress lines of the stages. Part of the CLI (the only layer that prints): the summary is built as
lines here and printed by cli.py, progress goes to stderr only when a person is watching."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Iterator

import pandas as pd

from .evaluate import Evaluation
from .periods import parse_period
from .render.format import fmt_money, fmt_value, kpi_label
from .versions import version_name


def quality_line(quality: pd.DataFrame) -> str | None:
    """The data-quality counts in one sentence, or None when the checks found nothing."""
    if not len(quality):
        return None
    action = quality["action"]
    quarantined = len(quality.loc[action == "quarantined", ["table", "row"]].drop_duplicates())
    return (f"data quality: {len(quality)} problem(s) reported in data_quality.csv ({quarantined} row(s) "
            f"quarantined, {int((action == 'cleared').sum())} cell(s) cleared, "
            f"{int((action == 'warning').sum())} warning(s))")


def summary_lines(ev: Evaluation, folder: Path) -> list[str]:
    """Per asked period: the overall score, the red vendor KPIs (value vs minimum) and the service
    credits paid (and, for an amended contract, the version in force); then the data-quality counts
    and where the files are."""
    c = ev.contract
    names = _names(ev)
    # a period is under the version of its last month (versions.version_uses)
    versions = {p.label: use.label for use in ev.versions for p in use.periods}
    lines = []
    for label in ev.periods:
        overall = ev.overall[ev.overall["period"] == label]
        score = overall["score"].iloc[0] if len(overall) else float("nan")
        text = f"overall score {score:.1f} / 100" if pd.notna(score) else "overall score not measurable"
        months = parse_period(label).months()
        totals = ev.credits[ev.credits["period"].isin(months) & (ev.credits["kpi"] == "TOTAL")]
        paid = sum(totals["paid"], Decimal(0))  # the TOTAL rows: KPI rows would count every credit twice
        version = f"; contract version: {version_name(versions[label], 'en')}" if label in versions else ""
        lines.append(f"{label}: {text}; service credits {fmt_money(float(paid), 'en', c.currency)}{version}")
        rows = ev.results
        red = rows[(rows["period"] == label) & (rows["grain"] == "vendor") & (rows["status"] == "red")]
        for r in red.itertuples(index=False):
            value = fmt_value(r.value, r.unit, "en", currency=c.currency)
            bound = f"minimum {r.minimum}" if r.minimum else f"target {r.target}"
            lines.append(f"  red: {names[r.kpi]} {value} ({bound})")
    quality = quality_line(ev.quality)
    if quality:
        lines.append(quality)
    lines.append(f"files in {folder}: results.xlsx for Excel, results.csv and results.json for tools")
    return lines


def _names(ev: Evaluation) -> dict[str, str]:
    """KPI id -> label, with the id added where two KPIs share a label (csat as a share and as a mean)."""
    labels = {kpi: kpi_label(ev.contract, kpi, "en") for kpi in ev.contract.kpis}
    shared = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    return {kpi: f"{label} [{kpi}]" if label in shared else label for kpi, label in labels.items()}


class Progress:
    """A line per stage on stderr ("reading data ...") when it is a terminal or under -v, with the
    stage's time under -v; nothing under -q or when piped (scripts and logs stay clean)."""

    def __init__(self, *, verbose: bool = False, quiet: bool = False, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.verbose = verbose and not quiet
        self.shown = self.verbose or (not quiet and self.stream.isatty())

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.shown:
            print(f"{name} ...", file=self.stream, flush=True)
        start = time.perf_counter()
        yield
        if self.verbose:
            print(f"{name}: {time.perf_counter() - start:.1f} s", file=self.stream, flush=True)
