"""Output sets: a folder written by `evaluate`, `scorecards`, `deck` (folder mode), `run` or `demo`
always holds one complete set of files, the previous one or the new one, never a mix.

Why symlinks. A folder also holds files that belong to no set (the demo's `data/`, a user's notes),
so it cannot be swapped as a whole, and renaming many files into it one by one can be cut short by
a kill between two renames. So the set's files live in a versioned folder and the names a user opens
are symbolic links that all go through ONE link, `.scorecard/current`:

    out/results.csv  -> .scorecard/current/results.csv      (one link per top-level entry of the set)
    out/scorecards   -> .scorecard/current/scorecards
    out/.scorecard/current -> sets/<id>                     (the commit point)
    out/.scorecard/sets/<id>/...                            (the complete set, with manifest.json)
    out/.scorecard/lock                                     (flock: one writer at a time)

A run writes its set into `.scorecard/staging-<id>/`, hashes every file into manifest.json, fsyncs
files and folders, renames the staging folder into `sets/`, adds the links of new top-level names
(they resolve to nothing until the commit), and then replaces `current` with one `os.replace` of a
link: before that instruction every name resolves into the previous set, after it into the new one.
Only then are the links of names the new set no longer has, and the previous set's folder, removed;
a kill in between leaves dangling links (no file) that the next run removes, with any staging folder
or set folder of a killed run. A file a user put inside the previous set's folders is hard-linked into
the new set before the commit, so it is never lost nor briefly absent.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Callable, ContextManager, Iterator

from . import __version__
from .errors import Problem, RenderError

if TYPE_CHECKING:
    from .evaluate import Evaluation

CONTROL = ".scorecard"
MANIFEST = "manifest.json"
CURRENT = "current"
LINK_PREFIX = f"{CONTROL}/{CURRENT}/"


def _fail(target: Path, message: str, hint: str) -> RenderError:
    return RenderError(Problem(message, file=str(target), hint=hint))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _files(folder: Path) -> list[str]:
    """Every file under `folder` as a sorted POSIX relative path (the manifest's and carry's unit)."""
    found = []
    for root, _dirs, names in os.walk(folder):
        found += [(Path(root) / n).relative_to(folder).as_posix() for n in names]
    return sorted(found)


def _link_into(source: Path, dest: Path) -> None:
    """`dest` becomes the same file as `source` (a hard link: sets never change a file in place)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


def _is_our_link(path: Path) -> bool:
    return path.is_symlink() and os.readlink(path).startswith(LINK_PREFIX)


def _read_manifest(folder: Path) -> dict | None:
    """The manifest of a set folder, or None when it has none (or an unreadable one)."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def check_outside_sets(target: Path) -> None:
    """Refuse a folder or file that is part of another folder's set (`out/scorecards` after `run
    --out out`): writing it alone would change that set behind its manifest."""
    parts = target.resolve().parts
    inside = [i for i in range(len(parts) - 1) if parts[i] == CONTROL and parts[i + 1] == "sets"]
    if inside:
        owner = Path(*parts[:inside[0]])
        if owner.is_relative_to(Path.cwd()):
            owner = owner.relative_to(Path.cwd())
        raise _fail(target, f"part of the set of files written into {owner}: writing it alone would mix "
                            "two runs",
                    f"write to another folder with --out, or run the command that wrote {owner} again")


@dataclass
class _Lock:
    """An exclusive flock on `.scorecard/lock`; the file says who holds it, for the other run's message.
    The kernel drops the lock when its holder dies, so a killed run never blocks the next one."""

    target: Path
    handle: IO[str] = field(init=False)

    def acquire(self, control: Path) -> None:
        self.handle = (control / "lock").open("a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().split()
            self.handle.close()
            who = (f" since {time.strftime('%H:%M:%S', time.localtime(float(holder[1])))} (pid {holder[0]})"
                   if len(holder) == 2 else "")
            raise _fail(self.target, f"another run is writing {self.target}{who}",
                        "wait for it to finish, or write to another folder with --out") from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"{os.getpid()} {time.time():.0f}\n")
        self.handle.flush()

    def release(self) -> None:
        self.handle.close()


class OutputSet:
    """The staging folder of one run into `target`, under the target's lock (see the module doc).
    Write every file under `path`, then `commit(evaluation)`; without a commit nothing changes."""

    def __init__(self, target: Path, command: str) -> None:
        self.target = Path(target)
        self.command = command
        self.control = self.target / CONTROL
        self.id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{os.urandom(3).hex()}"
        self.path = self.control / f"staging-{self.id}"

    # -- the previous set ------------------------------------------------------------------------
    def _current(self) -> Path | None:
        link = self.control / CURRENT
        return (self.control / os.readlink(link)) if link.is_symlink() and link.is_dir() else None

    def _previous_files(self) -> tuple[Path | None, set[str]]:
        """The previous set's folder and the files its manifest lists."""
        current = self._current()
        manifest = _read_manifest(current) if current else None
        return current, {f["path"] for f in (manifest or {}).get("files", [])}

    def carry(self, keep: Callable[[str], bool]) -> None:
        """Copy into the new set the previous set's files for which `keep(relative path)` holds
        (`scorecards --role X` keeps the other roles' cards): they become files of the new set."""
        current, listed = self._previous_files()
        if current is None:
            return
        for rel in sorted(listed):
            if keep(rel) and (current / rel).is_file():
                _link_into(current / rel, self.path / rel)

    def final(self, path: Path) -> Path:
        """Where a file written under the staging folder is found once the set is committed."""
        return self.target / Path(path).relative_to(self.path)

    # -- opening: lock, clean, stage ---------------------------------------------------------------
    def open(self) -> "OutputSet":
        if self.target.exists() and not self.target.is_dir():
            raise _fail(self.target, "the output folder is a file", "pass --out a folder (or a new name)")
        check_outside_sets(self.target)
        self._lock = _Lock(self.target)
        try:
            self.control.mkdir(parents=True, exist_ok=True)
            self._lock.acquire(self.control)
        except OSError as exc:
            raise self._unwritable(exc) from None
        try:
            self._clean()
            self.path.mkdir()
        except BaseException as exc:
            self._lock.release()
            if isinstance(exc, OSError):
                raise self._unwritable(exc) from None
            raise
        return self

    def _unwritable(self, exc: OSError) -> RenderError:
        return _fail(self.target, f"cannot write in the output folder: {exc.strerror}",
                     "choose another --out folder, or make this one writable (chmod u+w)")

    def _clean(self) -> None:
        """Remove what killed runs left: staging folders, sets that are not current, temporary and
        dangling links. Runs under the lock, so no live run owns any of it."""
        current = self._current()
        for entry in self.control.iterdir():
            if entry.name.startswith(("staging-", "trash-")):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(f"{CURRENT}.") and entry.is_symlink():
                entry.unlink()
        sets = self.control / "sets"
        if sets.is_dir():
            for entry in sets.iterdir():
                if current is None or entry.name != current.name:
                    shutil.rmtree(entry, ignore_errors=True)
        for entry in self.target.iterdir():
            if _is_our_link(entry) and not entry.exists():
                entry.unlink()

    def close(self) -> None:
        """Drop an uncommitted staging folder (a committed one has been renamed) and unlock."""
        shutil.rmtree(self.path, ignore_errors=True)
        self._lock.release()

    # -- commit ------------------------------------------------------------------------------------
    def commit(self, evaluation: Evaluation) -> Path:
        """Hash, fsync and swap the staged set in (see the module doc); return the manifest's path."""
        try:
            return self._commit(evaluation)
        except OSError as exc:
            raise _fail(self.target, f"cannot finish writing the output folder: {exc.strerror}",
                        "check the disk space and the folder's permissions; the previous files are "
                        "unchanged") from None

    def _commit(self, evaluation: Evaluation) -> Path:
        files = [{"path": rel, "sha256": _sha256(self.path / rel), "bytes": (self.path / rel).stat().st_size}
                 for rel in _files(self.path)]
        c = evaluation.contract
        manifest = {
            "generator": f"scorecard {__version__}", "command": self.command,
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "contract": {"id": c.id, "path": c.path, "version_hash": c.version_hash},
            "periods": list(evaluation.periods),
            "inputs": [{"file": f, "sha256": h} for f, h in sorted(evaluation.inputs.items())],
            "files": files,
        }
        with (self.path / MANIFEST).open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._carry_foreign()
        for root, _dirs, names in os.walk(self.path, topdown=False):
            for name in names:
                fd = os.open(Path(root) / name, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            _fsync_dir(Path(root))
        sets = self.control / "sets"
        sets.mkdir(exist_ok=True)
        os.rename(self.path, sets / self.id)
        _fsync_dir(sets)
        names = sorted(os.listdir(sets / self.id))
        for name in names:  # new names resolve to nothing until `current` moves
            if not os.path.lexists(self.target / name):
                os.symlink(LINK_PREFIX + name, self.target / name)
        _fsync_dir(self.target)
        link = self.control / f"{CURRENT}.{self.id}"
        os.symlink(f"sets/{self.id}", link)
        os.replace(link, self.control / CURRENT)  # THE commit: one rename switches every name
        _fsync_dir(self.control)
        self._after_commit(names)
        return self.target / MANIFEST

    def _carry_foreign(self) -> None:
        """Hard-link into the new set the files a user put inside the previous set's folders."""
        current, listed = self._previous_files()
        if current is None:
            return
        for rel in _files(current):
            dest = self.path / rel
            if rel not in listed and rel != MANIFEST and not os.path.lexists(dest):
                try:
                    _link_into(current / rel, dest)
                except (FileExistsError, NotADirectoryError):  # the new set has a file where its folder was
                    pass

    def _after_commit(self, names: list[str]) -> None:
        """Turn what an older scorecard wrote as plain files into links, then remove the previous
        set and the links of names the new set lacks (they now dangle)."""
        for name in names:
            entry = self.target / name
            if _is_our_link(entry) and os.readlink(entry) == LINK_PREFIX + name:
                continue
            if entry.is_dir() and not entry.is_symlink():
                os.rename(entry, self.control / f"trash-{self.id}-{name}")
            tmp = self.control / f"{CURRENT}.{self.id}.{name}"
            os.symlink(LINK_PREFIX + name, tmp)
            os.replace(tmp, entry)
        self._clean()
        _fsync_dir(self.target)


@contextmanager
def output_set(target: Path, command: str) -> Iterator[OutputSet]:
    """Lock `target`, stage a new set, and remove the staging folder unless it was committed."""
    stage = OutputSet(target, command).open()
    try:
        yield stage
    finally:
        stage.close()


@dataclass(frozen=True)
class RunFiles:
    """Where the files of a committed `run` set are (final paths, not the staging folder's)."""

    results: list[Path]
    cards: list[Path]
    deck: Path
    manifest: Path


def write_run(stage: OutputSet, evaluation: Evaluation, *, actions: str | Path | None = None,
              template: str | Path | None = None, lang: str | None = None,
              notes: list[str] | None = None, csv_dialect: str = "default",
              step: Callable[[str], ContextManager[None]] = lambda name: nullcontext(),
              pdfs: Callable[[list[Path]], list[Path]] | None = None) -> RunFiles:
    """`run` and `demo`: results, scorecards/ and deck.pptx staged and committed as ONE set; each
    part inside `step(name)` (the CLI's progress lines). `pdfs` (run --pdf) prints the cards into
    the same set."""
    from .render.deck import write_deck
    from .render.html import write_scorecards
    from .results import write_results

    with step("writing the result files"):
        results = write_results(evaluation, stage.path, csv_dialect=csv_dialect, lang=lang)
    with step("scorecards"):
        cards = write_scorecards(evaluation, stage.path / "scorecards", lang=lang)
    if pdfs is not None:
        with step("PDF cards"):
            cards += pdfs(cards)
    with step("deck"):
        deck = write_deck(evaluation, stage.path / "deck.pptx", actions=actions, template=template, lang=lang,
                          notes=notes)
    manifest = stage.commit(evaluation)
    return RunFiles([stage.final(p) for p in results], [stage.final(p) for p in cards], stage.final(deck),
                    manifest)
