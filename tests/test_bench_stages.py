"""bench/stages.py: each stage's time on a fake clock, nested stages counted once."""

import mmap
import sys
import types
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import stages  # noqa: E402


class Clock:
    """Wall and CPU time that move only when a fake stage works."""

    def __init__(self) -> None:
        self.now = 0.0

    def work(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(stages.time, "perf_counter", lambda: clock.now)
    monkeypatch.setattr(stages.time, "process_time", lambda: clock.now)
    module = types.ModuleType("fake_pipeline")
    module.engine = lambda: clock.work(2.0)
    module.versions = lambda: (clock.work(0.5), module.engine(), module.engine())
    module.sections = lambda: (clock.work(1.0), module.engine())
    monkeypatch.setitem(sys.modules, "fake_pipeline", module)
    monkeypatch.setattr(stages, "STAGES", {"engine": [("fake_pipeline", "engine")],
                                           "versions": [("fake_pipeline", "versions")],
                                           "sections": [("fake_pipeline", "sections")]})
    monkeypatch.setattr(stages, "PASS_THROUGH", {"versions"})
    monkeypatch.setattr(stages, "STARTUP_MODULES", ())
    return module


def test_a_pass_through_stage_leaves_out_what_it_calls_and_another_keeps_it(fake):
    with stages.timed_stages() as (totals, _):
        fake.versions()  # 0.5 own + two engine runs of 2.0
        fake.sections()  # 1.0 own + an engine run of 2.0, counted in the sections
        fake.engine()
    assert totals == {stages.STARTUP: [0.0, 0.0], "engine": [6.0, 6.0], "versions": [0.5, 0.5],
                      "sections": [3.0, 3.0]}
    assert sum(cpu for _, cpu in totals.values()) == 9.5  # every second counted once


def test_each_stage_gets_the_peak_reached_while_it_ran(fake, monkeypatch):
    """A fake resident size: versions holds 100 MB, each engine run peaks at 900 MB and gives it
    back; the sections' own peak is 300 MB, its inner engine run counted in it."""
    memory = {"now": 0.0, "peak": 0.0}
    def use(mb):
        memory["now"] = mb
        memory["peak"] = max(memory["peak"], mb)
    monkeypatch.setattr(stages, "peak_mb", lambda: memory["peak"])
    monkeypatch.setattr(stages, "reset_peak", lambda: memory.update(peak=memory["now"]))
    fake.engine = lambda: (use(900.0), use(100.0))
    fake.versions = lambda: (use(100.0), fake.engine(), fake.engine())
    fake.sections = lambda: (use(300.0), fake.engine(), use(50.0))
    with stages.timed_stages() as (_, peaks):
        fake.versions()
        fake.sections()
    assert peaks == {"engine": 900.0, "versions": 100.0, "sections": 900.0}


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux only")
def test_the_peak_is_this_processs_high_water_mark_since_its_reset():
    stages.reset_peak()
    base = stages.peak_mb()
    # 200 MB written in a mapping of its own, then unmapped: given back to the kernel whatever malloc keeps
    # (a freed 200 MB bytes may stay in an allocator's heap, whatever its settings)
    with mmap.mmap(-1, 200 * 2**20) as block:
        for offset in range(0, len(block), mmap.PAGESIZE):
            block[offset] = 1
    assert stages.peak_mb() >= base + 150
    stages.reset_peak()
    assert stages.peak_mb() < base + 100


def test_the_functions_are_restored_after_the_run(fake):
    original = fake.engine
    with stages.timed_stages():
        assert fake.engine is not original
    assert fake.engine is original
