"""The CLI's Arrow memory pool (scorecard/allocator.py): jemalloc unless the user chose one."""

import pyarrow as pa
import pytest

from scorecard.allocator import use_jemalloc
from scorecard.cli import main

try:
    pa.jemalloc_memory_pool()
    HAS_JEMALLOC = True
except NotImplementedError:
    HAS_JEMALLOC = False


@pytest.fixture
def system_pool():
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    yield
    pa.set_memory_pool(before)


@pytest.mark.skipif(not HAS_JEMALLOC, reason="this pyarrow has no jemalloc")
def test_the_cli_makes_jemalloc_arrows_pool(system_pool, monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    assert main(["presets"]) == 0
    assert pa.default_memory_pool().backend_name == "jemalloc"


def test_a_pool_the_user_chose_is_kept(system_pool, monkeypatch):
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    assert use_jemalloc() == "system"
