"""Where `scorecard evaluate` spends its time: the bench's `stages` step.

The functions behind each stage are wrapped with a timer (wall and CPU seconds, this process and
its threads) for one run of the CLI, so the figures are those of an unprofiled run: cProfile would
inflate the stages made of many small Python calls (the spreadsheet's cells) several times over.
A stage called twice (the KPI engine, once per computation batch) adds up its calls; one called
inside another (the sections run the KPI engine for the contact reasons) counts in the outer one,
except inside a PASS_THROUGH stage (versions: it hands each KPI batch to the engine), whose own
time leaves out the stages it calls. What no stage covers is "everything else" in bench/run.py.

Each stage's peak memory is the process's resident high-water mark (Linux VmHWM) while it runs:
reset as a stage starts (and when a passed-through stage hands back), read as it ends, so the
stage that sets `evaluate`'s peak is named; elsewhere the peaks are left empty.
"""

from __future__ import annotations

import importlib
import time
from contextlib import contextmanager
from typing import Callable, Iterator

# stage -> the (module, attribute) whose calls it times, looked up where the caller finds them
STAGES: dict[str, list[tuple[str, str]]] = {
    "contract": [("scorecard.contract.loader", "load_contract")],
    "read + data checks": [("scorecard.data", "load_dataset")],
    "data span, cautions": [("scorecard.evaluate", "data_months"), ("scorecard.evaluate", "cautions")],
    "KPI engine": [("scorecard.kpis.engine.Engine", "run"), ("scorecard.kpis.sqlengine.SqlEngine", "run"),
                   ("scorecard.evaluate", "make_engine")],
    "versions": [("scorecard.evaluate", "version_uses"), ("scorecard.evaluate", "raw_by_version"),
                 ("scorecard.evaluate", "outputs_contract")],
    "scoring": [("scorecard.evaluate", "score_results"), ("scorecard.evaluate", "mark_quarterly"),
                ("scorecard.evaluate", "unscore"), ("scorecard.evaluate", "add_changes"),
                ("scorecard.evaluate", "left_out_months")],
    "overall score": [("scorecard.evaluate", "overall_scores")],
    "credits": [("scorecard.evaluate", "version_credits")],
    "calibration": [("scorecard.evaluate", "calibration_results")],
    "breakdown sections": [("scorecard.evaluate", "engine_sections"), ("scorecard.evaluate", "table_sections")],
    "integrity signals": [("scorecard.evaluate", "integrity_signals")],
    # results.xlsx on one thread, results.json, the CSV files and results.parquet on the other
    # (results.run_writers): one stage, its CPU time that of both threads
    "result files (2 threads)": [("scorecard.results", "write_results")],
    "manifest, set switched": [("scorecard.outputs.OutputSet", "commit")],
    "console summary": [("scorecard.cli_report", "summary_lines")],
}
PASS_THROUGH = {"versions"}
# imported before the run, timed as their own stage (the CLI imports them on its way)
STARTUP_MODULES = ("scorecard.cli", "scorecard.evaluate", "scorecard.results", "scorecard.xlsx",
                   "scorecard.outputs", "scorecard.cli_report")
STARTUP = "start-up (imports)"


def _owner(path: str) -> object:
    """A module, or a class inside one ("pkg.module.Class")."""
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        module, _, name = path.rpartition(".")
        return getattr(importlib.import_module(module), name)


def peak_mb() -> float | None:
    """The resident high-water mark since the last reset, in MB (None where /proc has none)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return None


def reset_peak() -> None:
    """The high-water mark back to the current resident size (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


@contextmanager
def timed_stages() -> Iterator[tuple[dict[str, list[float]], dict[str, float]]]:
    """Time the stages while the block runs; yields ({stage: [wall s, cpu s]}, {stage: peak MB}),
    filled as it runs. The start-up stage is the import of the CLI's modules, done here before the block."""
    totals: dict[str, list[float]] = {STARTUP: [0.0, 0.0], **{stage: [0.0, 0.0] for stage in STAGES}}
    peaks: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    for module in STARTUP_MODULES:
        importlib.import_module(module)
    totals[STARTUP] = [time.perf_counter() - wall, time.process_time() - cpu]

    def note_peak(stage: str) -> None:
        peak = peak_mb()
        if peak is not None:
            peaks[stage] = max(peaks.get(stage, 0.0), peak)
    patched: list[tuple[object, str, Callable]] = []
    active: list[tuple[str, list[float]]] = []  # each running stage and the time of the stages it passed on

    def timer(stage: str, fn: Callable) -> Callable:
        def wrapped(*args, **kwargs):
            if active and active[-1][0] not in PASS_THROUGH:  # inside another stage: counted there, once
                return fn(*args, **kwargs)
            passed = [0.0, 0.0]
            if active:  # the outer stage's peak so far is its own
                note_peak(active[-1][0])
            reset_peak()
            active.append((stage, passed))
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = (time.perf_counter() - wall, time.process_time() - cpu)
                note_peak(stage)
                active.pop()
                totals[stage][0] += spent[0] - passed[0]
                totals[stage][1] += spent[1] - passed[1]
                if active:  # the outer stage passes this one through: not its own time
                    active[-1][1][0] += spent[0]
                    active[-1][1][1] += spent[1]
                    reset_peak()  # what the outer stage holds from here on is its own again
        return wrapped

    for stage, targets in STAGES.items():
        for path, name in targets:
            owner = _owner(path)
            original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            patched.append((owner, name, original))
            setattr(owner, name, timer(stage, original))
    try:
        yield totals, peaks
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)
