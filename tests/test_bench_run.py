"""bench/run.py refuses to generate a size whose generation would not fit in the memory or disk available."""

import io
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import run  # noqa: E402
from steps import Size  # noqa: E402


@pytest.fixture
def available(monkeypatch):
    def set_gb(gb: int) -> None:
        meminfo = f"MemTotal: 25000000 kB\nMemAvailable: {gb * 2**20} kB\n"
        monkeypatch.setattr(run, "open", lambda path: io.StringIO(meminfo), raising=False)
    return set_gb


def test_a_size_that_fits_is_generated_and_one_that_does_not_is_refused(available):
    available(8)
    run._check_memory(Size(20_000_000, 8_000))  # 20 M x 300 bytes = 5.6 GB
    with pytest.raises(SystemExit, match="generating 50,000,000 rows takes about 14 GB of memory, 8 GB are"):
        run._check_memory(Size(50_000_000, 20_000))
    available(16)
    run._check_memory(Size(50_000_000, 20_000))  # 14 GB: the month-chunked generator fits


def test_a_size_whose_files_would_not_fit_on_disk_is_refused(available, monkeypatch):
    available(64)
    monkeypatch.setattr(run.shutil, "disk_usage", lambda path: SimpleNamespace(free=2 * 2**30))
    run._check_memory(Size(20_000_000, 8_000))  # 20 M x 50 bytes = 0.9 GB
    with pytest.raises(SystemExit, match=r"the data of 50,000,000 rows takes about 2\.3 GB on disk, 2\.0 GB are free"):
        run._check_memory(Size(50_000_000, 20_000))
