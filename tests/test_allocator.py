"""The CLI's Arrow memory pool (scorecard/allocator.py): jemalloc unless the user chose one, and only for
the commands that read data, so that the others do not import pyarrow for it."""

import os
import subprocess
import sys

import pyarrow as pa
import pytest

from scorecard.allocator import use_jemalloc
from scorecard.cli import main, reads_data
from scorecard.cli_args import build_parser

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
@pytest.mark.parametrize("argv, pool", [
    (["evaluate", "missing.yaml", "--data", "missing"], "jemalloc"),  # exits 2 on the contract, pool set first
    (["review", "missing.yaml", "--data", "missing"], "jemalloc"),
    (["review", "missing.yaml"], "system"),
    (["presets"], "system"),
])
def test_the_cli_makes_jemalloc_arrows_pool_for_data_commands(system_pool, monkeypatch, argv, pool):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    assert main(argv) in (0, 2)
    assert pa.default_memory_pool().backend_name == pool


@pytest.mark.parametrize("argv, data", [
    (["validate", "c.yaml"], False), (["schema"], False), (["catalog"], False), (["presets"], False),
    (["completion", "bash"], False), (["review", "c.yaml"], False), (["review", "c.yaml", "--data", "d"], True),
    (["evaluate", "c.yaml", "--data", "d"], True), (["scorecards", "c.yaml", "--data", "d", "--period", "2026-01"], True),
    (["deck", "c.yaml", "--data", "d", "--period", "2026-01"], True),
    (["run", "c.yaml", "--data", "d", "--period", "2026-01"], True), (["program", "p.yaml"], True),
    (["backtest", "c.yaml", "--data", "d", "--from", "2026-01", "--to", "2026-02"], True), (["demo"], True),
])
def test_which_commands_read_data(argv, data):
    assert reads_data(build_parser().parse_args(argv)) is data


@pytest.mark.parametrize("argv", [["catalog"], ["completion", "bash"]])
def test_a_light_command_does_not_import_pyarrow(argv):
    """In a fresh interpreter: the parser is built for every command, so no option's choices may import
    the result writers, and no pool is chosen."""
    child = ("import sys\nfrom scorecard.cli import main\ncode = main(sys.argv[1:])\n"
             "print(code, 'pyarrow' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", child, *argv], capture_output=True, text=True, timeout=120)
    assert done.stderr.split()[-2:] == ["0", "False"], done.stderr


def test_a_pool_the_user_chose_is_kept(system_pool, monkeypatch):
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    assert use_jemalloc() == "system"


@pytest.mark.parametrize("mine", [None, "dirty_decay_ms:5000"])
def test_the_cli_has_duckdb_free_its_pages_at_once_unless_the_user_configured_it(monkeypatch, mine):
    """DuckDB's jemalloc reads DUCKDB_JE_MALLOC_CONF when DuckDB is loaded: a data command sets it
    (freed pages given back at once: the peak of `--engine duckdb`), a user's own setting is kept."""
    if mine is None:
        monkeypatch.delenv("DUCKDB_JE_MALLOC_CONF", raising=False)
    else:
        monkeypatch.setenv("DUCKDB_JE_MALLOC_CONF", mine)
    assert main(["evaluate", "missing.yaml", "--data", "missing"]) == 2
    assert os.environ["DUCKDB_JE_MALLOC_CONF"] == (mine or "dirty_decay_ms:0,muzzy_decay_ms:0")
    monkeypatch.delenv("DUCKDB_JE_MALLOC_CONF", raising=False)
    assert main(["presets"]) == 0
    assert "DUCKDB_JE_MALLOC_CONF" not in os.environ  # a command that reads no data leaves it alone
