"""Atomic file output: a reader never sees a half-written result, and a failed run leaves the
previous files in place."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from .errors import Problem, RenderError


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces `path` in one step."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(Problem(f"cannot create the output folder: {exc.strerror}", file=str(path.parent),
                                  hint="choose another --out folder, or check its permissions")) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are ordinary files others read
    try:
        yield Path(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)  # the bytes reach the disk before the name does: no empty file after a crash
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        raise RenderError(Problem(f"cannot write the file: {exc.strerror}", file=str(path),
                                  hint="check the disk space and the folder's permissions, and that the file "
                                       "is not open in another program (PowerPoint, Excel)")) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_chunks(path: Path, chunks: Iterable[bytes | memoryview]) -> Path:
    """The chunks one after the other, as one file: a large text need not be joined to be written."""
    with atomic_path(path) as tmp:
        with tmp.open("wb") as out:
            out.writelines(chunks)
    return Path(path)
