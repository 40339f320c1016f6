"""Keep the memory a run frees for the arrays it allocates next.

An evaluation allocates and frees thousands of column-sized arrays (40 MB each at 5 M rows). By
default glibc hands every block above 32 MB straight back to the kernel and takes fresh pages for the
next one, and numpy asks for transparent huge pages, which the kernel compacts memory to find: at
5 M rows a third of `evaluate`'s CPU time was the kernel zeroing and compacting pages
(docs/benchmarks.md). With the heap kept (no mmap for large blocks, no trimming below 2 GB free, the
heap grown 256 MB at a time) the freed pages are reused; the peak memory stays that of the live data.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import platform

# mallopt parameters (glibc malloc.h); values are C ints.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_MAX = -1, -2, -4
_TRIM_THRESHOLD = 2**31 - 1  # the largest a C int holds: 2 GB of free heap before any is returned
_TOP_PAD = 256 * 2**20


def reuse_freed_memory() -> bool:
    """Tune glibc's malloc and numpy for a batch run; False where there is no glibc (macOS, musl)."""
    try:  # numpy's own switch (numpy 1.20 release notes); numpy 1.x names the module numpy.core
        multiarray = importlib.import_module("numpy._core.multiarray")
    except ImportError:
        multiarray = importlib.import_module("numpy.core.multiarray")
    hugepages = getattr(multiarray, "_set_madvise_hugepage", None)
    if hugepages is not None:
        hugepages(False)
    if platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    return all(libc.mallopt(param, value) == 1 for param, value in (
        (_M_MMAP_MAX, 0), (_M_TRIM_THRESHOLD, _TRIM_THRESHOLD), (_M_TOP_PAD, _TOP_PAD)))
