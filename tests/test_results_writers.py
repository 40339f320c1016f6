"""The result files written at once (results.run_writers): one writer's failure, while another is
still writing, leaves the folder with its previous set, exits 2 with one message and leaves no
temporary file; errors come back in the files' order, and writers not started are not run."""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path

import pytest

from scorecard import results, xlsx
from scorecard.cli import main
from scorecard.outputs import CONTROL
from test_run_integrity import demo_data as demo_data  # noqa: F401  (the fixture: the same demo data)
from test_run_integrity import run_args, the_set


def test_a_writer_failing_while_another_writes_leaves_the_previous_set(demo_data, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(run_args(demo_data, out, "2026-02")) == 0
    before = the_set(out)
    failed, finished = threading.Event(), []
    real_xlsx = xlsx.write_xlsx

    def slow_workbook(ev, path, lang=None):  # still running when results.json fails beside it
        assert failed.wait(10)
        time.sleep(0.3)
        finished.append(real_xlsx(ev, path, lang))
        return finished[-1]

    def full_disk(ev, out_file):
        out_file.write(b'{"generator":')  # half a file, then the disk is full
        failed.set()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsx, "write_xlsx", slow_workbook)
    monkeypatch.setattr(results, "results_json", full_disk)
    capsys.readouterr()
    assert main(run_args(demo_data, out, "2026-03")) == 2
    err = capsys.readouterr().err
    assert "results.json: cannot write the file: No space left on device" in err
    assert err.count("error") == 1 and "Traceback" not in err and "internal error" not in err
    assert finished  # the workbook's writer ended before the run did: nothing writes into a removed folder
    assert the_set(out) == before
    leftovers = [p.name for p in (out / CONTROL).iterdir() if p.name.startswith(("staging", "trash"))]
    assert leftovers == [] and not list(out.glob(".*.tmp"))


def test_the_first_error_in_the_files_order_is_raised_and_writers_not_started_are_cancelled(tmp_path):
    ran = []

    def fails(name: str, after: float):
        def job() -> Path:
            time.sleep(after)
            ran.append(name)
            raise ValueError(name)
        return job

    def later(n: int):
        def job() -> Path:
            time.sleep(0.02)
            ran.append(n)
            return tmp_path
        return job

    # "b" fails at once, "a" (running beside it) later, but "a" comes first in the files' order
    jobs = {"a": fails("a", 0.3), "b": fails("b", 0), **{str(n): later(n) for n in range(40)}}
    with pytest.raises(ValueError, match="^a$"):
        results.run_writers(jobs, first=["b", "a"])
    assert "a" in ran and "b" in ran
    assert len(ran) < 10  # the writers still waiting when "b" failed were never started


def test_paths_come_back_in_the_jobs_order_whatever_the_start_order(tmp_path):
    jobs = {name: (lambda name=name: tmp_path / name) for name in ("x", "y", "z")}
    assert results.run_writers(jobs, first=["z", "y"]) == [tmp_path / "x", tmp_path / "y", tmp_path / "z"]
