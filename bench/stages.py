"""Where `scorecard evaluate` spends its time: the bench's `stages` step.

The functions behind each stage are wrapped with a timer (wall and CPU seconds, this process and
its threads) for one run of the CLI, so the figures are those of an unprofiled run: cProfile would
inflate the stages made of many small Python calls (the spreadsheet's cells) several times over.
A stage called twice (the KPI engine, once per computation batch) adds up its calls; one called
inside another (the sections run the KPI engine for the contact reasons) counts in the outer one.
"""

from __future__ import annotations

import importlib
import time
from contextlib import contextmanager
from typing import Callable, Iterator

# stage -> the (module, attribute) whose calls it times, looked up where the caller finds them
STAGES: dict[str, list[tuple[str, str]]] = {
    "read + data checks": [("scorecard.data", "load_dataset")],
    "KPI engine": [("scorecard.kpis.engine.Engine", "run"), ("scorecard.kpis.sqlengine.SqlEngine", "run")],
    "breakdown sections": [("scorecard.evaluate", "build_sections")],
    "integrity signals": [("scorecard.evaluate", "integrity_signals")],
    "results.xlsx": [("scorecard.xlsx", "write_xlsx")],
    "results.json": [("scorecard.results", "results_json")],
    "CSV files": [("scorecard.results", "csv_text")],
    "results.parquet": [("scorecard.results", "write_parquet")],
}


def _owner(path: str) -> object:
    """A module, or a class inside one ("pkg.module.Class")."""
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        module, _, name = path.rpartition(".")
        return getattr(importlib.import_module(module), name)


@contextmanager
def timed_stages() -> Iterator[dict[str, list[float]]]:
    """Time the stages while the block runs; yields {stage: [wall s, cpu s]}, filled as it runs."""
    totals: dict[str, list[float]] = {stage: [0.0, 0.0] for stage in STAGES}
    patched: list[tuple[object, str, Callable]] = []

    active: list[str] = []

    def timer(stage: str, fn: Callable) -> Callable:
        def wrapped(*args, **kwargs):
            if active:  # inside another stage (sections run the KPI engine): counted there, once
                return fn(*args, **kwargs)
            active.append(stage)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                totals[stage][0] += time.perf_counter() - wall
                totals[stage][1] += time.process_time() - cpu
                active.pop()
        return wrapped

    for stage, targets in STAGES.items():
        for path, name in targets:
            owner = _owner(path)
            original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            patched.append((owner, name, original))
            setattr(owner, name, timer(stage, original))
    try:
        yield totals
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)
