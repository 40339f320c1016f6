"""The CLI's allocator settings (scorecard/allocator.py) take effect, and every command still runs."""

import importlib
import platform

import pytest

from scorecard.allocator import reuse_freed_memory
from scorecard.cli import main


def _multiarray():
    try:
        return importlib.import_module("numpy._core.multiarray")
    except ImportError:
        return importlib.import_module("numpy.core.multiarray")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_glibc_accepts_every_setting():
    assert reuse_freed_memory() is True


def test_numpy_no_longer_asks_for_huge_pages():
    multiarray = _multiarray()
    multiarray._set_madvise_hugepage(True)
    reuse_freed_memory()
    assert multiarray._set_madvise_hugepage(True) is False  # returns the setting it replaces


def test_the_cli_applies_it(capsys):
    multiarray = _multiarray()
    multiarray._set_madvise_hugepage(True)
    assert main(["presets"]) == 0
    assert multiarray._set_madvise_hugepage(True) is False
