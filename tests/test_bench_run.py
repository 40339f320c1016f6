"""bench/run.py refuses to generate a size whose generation would not fit in the memory available."""

import io
import sys
from pathlib import Path

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
    available(16)
    run._check_memory(Size(20_000_000, 8_000))  # 20 M x 750 bytes = 14 GB
    with pytest.raises(SystemExit, match="generating 50,000,000 rows takes about 35 GB, 16 GB are available"):
        run._check_memory(Size(50_000_000, 20_000))
