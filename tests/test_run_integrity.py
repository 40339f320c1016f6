"""Output sets (scorecard/outputs.py): after a failure or a kill at any point the folder holds the
previous complete set or the new one, never a mix; one writer at a time; foreign files untouched."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from scorecard import outputs
from scorecard.cli import main
from scorecard.demo_data import generate
from scorecard.outputs import CONTROL, output_set

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"
SCORECARD = Path(sys.executable).parent / "scorecard"
FOREIGN = {"notes.txt": "my notes", "data/keep.csv": "a,b\n1,2\n"}


def fake_evaluation(period: str) -> SimpleNamespace:
    """What a commit reads of an Evaluation: the contract's id, path and hash, periods and inputs."""
    contract = SimpleNamespace(id="c-1", path="c.yaml", version_hash="0" * 64)
    return SimpleNamespace(contract=contract, periods=(period,), inputs={"data/x.csv": "1" * 64})


def add_foreign(folder: Path) -> None:
    for rel, text in FOREIGN.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def the_set(folder: Path, foreign: dict[str, str] | None = None) -> dict | None:
    """The one set the folder shows (its manifest), after checking it is complete and alone: every
    listed file present with its sha256, no other file under the set's names, foreign files intact.
    None when no set was ever committed."""
    foreign = foreign or {}
    for rel, text in foreign.items():
        assert (folder / rel).read_text() == text, rel
    if not (folder / "manifest.json").exists():
        assert not [e for e in folder.iterdir() if e.exists() and e.name not in (CONTROL, "notes.txt", "data")]
        return None
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    seen = set()
    for entry in folder.iterdir():
        if entry.name in (CONTROL, "notes.txt", "data", "manifest.json") or not entry.exists():
            continue  # a dangling link is no file: a killed run's leftover, removed by the next run
        if entry.is_dir():
            for root, _dirs, names in os.walk(entry, followlinks=True):
                seen |= {(Path(root) / n).relative_to(folder).as_posix() for n in names}
        else:
            seen.add(entry.name)
    seen -= set(foreign)
    assert seen == set(listed), f"files not in the manifest: {seen - set(listed)}, missing: {set(listed) - seen}"
    for rel, sha in listed.items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == sha, rel
    assert len(manifest["periods"]) == 1
    return manifest


# -- the protocol, killed at every file-system step ------------------------------------------------

STEPS = ("rename", "replace", "symlink", "unlink", "link", "rmdir", "mkdir", "fsync")

SETS = {
    "2026-01": {"results.csv": "jan", "only_jan.csv": "j", "cards/a.html": "a1", "cards/gone.html": "g"},
    "2026-02": {"results.csv": "feb", "only_feb.csv": "f", "cards/a.html": "a2", "cards/new/b.html": "b"},
}


def write_set(folder: Path, period: str) -> None:
    with output_set(folder, "test") as stage:
        for rel, text in SETS[period].items():
            (stage.path / rel).parent.mkdir(parents=True, exist_ok=True)
            (stage.path / rel).write_text(text)
        stage.commit(fake_evaluation(period))


def killed_at(folder: Path, period: str, step: int) -> bool:
    """Write a set in a child process that dies (os._exit, no cleanup) at its `step`-th file-system
    call; True when the write finished before that step."""
    pid = os.fork()
    if pid == 0:  # the child: count the calls, die at the chosen one
        calls = [0]
        for name in STEPS:
            real = getattr(os, name)

            def counted(*args, _real=real, **kwargs):
                calls[0] += 1
                if calls[0] == step:
                    os._exit(9)
                return _real(*args, **kwargs)
            setattr(os, name, counted)
        try:
            write_set(folder, period)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def test_a_kill_at_any_step_leaves_the_previous_set_or_the_new_one(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    add_foreign(folder)
    (folder / "cards").mkdir()  # an older scorecard's plain folder, migrated by the first set
    (folder / "cards" / "old.html").write_text("legacy")
    write_set(folder, "2026-01")
    foreign = {**FOREIGN, "cards/mine.txt": "a note inside the set's folder"}
    (folder / "cards" / "mine.txt").write_text(foreign["cards/mine.txt"])
    outcomes, step = {"2026-01": 0, "2026-02": 0}, 1
    while True:
        shutil.copytree(folder, tmp_path / "try", symlinks=True)
        done = killed_at(tmp_path / "try", "2026-02", step)
        outcomes[the_set(tmp_path / "try", foreign)["periods"][0]] += 1
        write_set(tmp_path / "try", "2026-01")  # the next run cleans whatever the kill left
        assert the_set(tmp_path / "try", foreign)["periods"] == ["2026-01"]
        assert sorted(p.name for p in (tmp_path / "try" / CONTROL).iterdir()) == ["current", "lock", "sets"]
        assert len(list((tmp_path / "try" / CONTROL / "sets").iterdir())) == 1
        shutil.rmtree(tmp_path / "try")
        if done:
            break
        step += 1
    assert step > 30 and outcomes["2026-01"] > 5 and outcomes["2026-02"] > 2  # both sides of the commit hit


def test_a_failed_run_leaves_the_previous_set_and_no_staging(tmp_path):
    write_set(tmp_path, "2026-01")
    with pytest.raises(RuntimeError):
        with output_set(tmp_path, "test") as stage:
            (stage.path / "results.csv").write_text("half")
            raise RuntimeError("a crash in a later step")
    assert the_set(tmp_path)["periods"] == ["2026-01"]
    assert [p.name for p in (tmp_path / CONTROL).iterdir() if p.name.startswith("staging")] == []


def test_files_of_the_previous_set_that_the_new_one_lacks_are_removed(tmp_path):
    add_foreign(tmp_path)
    write_set(tmp_path, "2026-01")
    write_set(tmp_path, "2026-02")
    assert the_set(tmp_path, FOREIGN)["periods"] == ["2026-02"]
    assert not os.path.lexists(tmp_path / "only_jan.csv") and (tmp_path / "only_feb.csv").read_text() == "f"
    assert not (tmp_path / "cards" / "gone.html").exists()


# -- through the CLI, on the demo data ------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "data"
    generate(out, agents=8, contacts_per_month=600, months=("2026-02", "2026-03"))
    return out


def run_args(data: Path, out: Path, period: str) -> list[str]:
    return ["run", str(CONTRACT), "--data", str(data), "--period", period, "--out", str(out)]


def test_run_writes_one_set_and_a_second_run_replaces_it(demo_data, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    add_foreign(out)
    assert main(run_args(demo_data, out, "2026-02")) == 0
    first = the_set(out, FOREIGN)
    assert first["command"] == "run" and first["periods"] == ["2026-02"]
    assert first["contract"]["id"] == "acme-travel-nordlys-2026"
    assert {Path(i["file"]).name for i in first["inputs"]} >= {"interactions.csv"}
    paths = {f["path"] for f in first["files"]}
    assert {"results.csv", "credits.csv", "deck.pptx", "scorecards/index.html"} <= paths
    assert f"wrote {out / 'manifest.json'}" in capsys.readouterr().out
    assert main(["evaluate", str(CONTRACT), "--data", str(demo_data), "--period", "2026-03",
                 "--out", str(out)]) == 0
    second = the_set(out, FOREIGN)
    assert second["periods"] == ["2026-03"] and not (out / "deck.pptx").exists()
    assert not (out / "scorecards").exists()


def test_scorecards_one_role_at_a_time_keep_the_other_roles(demo_data, tmp_path):
    out = tmp_path / "cards"
    base = ["scorecards", str(CONTRACT), "--data", str(demo_data), "--period", "2026-03", "--out", str(out)]
    assert main(base + ["--role", "agent"]) == 0
    assert main(base + ["--role", "team_lead"]) == 0
    manifest = the_set(out)
    assert {p["path"].split("/")[0] for p in manifest["files"]} >= {"agent", "team_lead", "index.html"}
    top = (out / "index.html").read_text()
    assert 'href="agent/index.html"' in top and 'href="team_lead/index.html"' in top


def test_a_folder_inside_another_set_is_refused(demo_data, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(run_args(demo_data, out, "2026-03")) == 0
    before = the_set(out)
    assert main(["scorecards", str(CONTRACT), "--data", str(demo_data), "--period", "2026-03",
                 "--out", str(out / "scorecards")]) == 2
    assert main(["deck", str(CONTRACT), "--data", str(demo_data), "--period", "2026-03",
                 "--out", str(out / "deck.pptx")]) == 2
    err = capsys.readouterr().err
    assert err.count(f"part of the set of files written into {out}: writing it alone would mix") == 2
    assert "Traceback" not in err and the_set(out) == before


def test_a_read_only_output_folder_is_a_located_error(demo_data, tmp_path, capsys, monkeypatch):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:  # root writes anyway: make the folder refuse as a read-only mount would
        real = Path.mkdir

        def refuse(self, *args, **kwargs):
            if self.parent == out:
                raise PermissionError(13, "Permission denied")
            return real(self, *args, **kwargs)
        monkeypatch.setattr(Path, "mkdir", refuse)
    assert main(run_args(demo_data, out, "2026-03")) == 2
    err = capsys.readouterr().err
    assert f"{out}: cannot write in the output folder: Permission denied" in err
    assert "hint: choose another --out folder" in err and "internal error" not in err
    out.chmod(0o755)


def test_a_second_run_into_a_locked_folder_exits_2_naming_the_first(demo_data, tmp_path, capsys):
    out = tmp_path / "out"
    with output_set(out, "run"):
        assert main(run_args(demo_data, out, "2026-03")) == 2
    err = capsys.readouterr().err
    assert f"another run is writing {out} since " in err and f"(pid {os.getpid()})" in err
    assert not (out / "manifest.json").exists()


def test_two_runs_at_once_exactly_one_writes(demo_data, tmp_path):
    out = tmp_path / "out"
    with ThreadPoolExecutor(2) as pool:
        procs = list(pool.map(lambda period: subprocess.run(
            [str(SCORECARD), *run_args(demo_data, out, period)], capture_output=True, text=True),
            ["2026-02", "2026-03"]))
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], [p.stderr for p in procs]
    loser = next(p for p in procs if p.returncode == 2)
    assert "another run is writing" in loser.stderr
    winner = next(p for p in procs if p.returncode == 0)
    assert the_set(out)["periods"] == [winner.args[winner.args.index("--period") + 1]]


def test_sigkill_at_random_points_of_run_always_leaves_one_complete_set(demo_data, tmp_path):
    """20 `scorecard run`s killed at random delays within a run's duration (measured first), in
    two folders at once to stay fast; after each kill the folder shows one complete set."""
    rng = random.Random(11)

    def lane(n: int) -> list[str]:
        out = tmp_path / f"lane{n}"
        out.mkdir()
        add_foreign(out)
        start = time.monotonic()
        subprocess.run([str(SCORECARD), *run_args(demo_data, out, "2026-02")], check=True, capture_output=True)
        duration = time.monotonic() - start
        shown = []
        for i in range(10):
            period = ("2026-03", "2026-02")[i % 2]
            proc = subprocess.Popen([str(SCORECARD), *run_args(demo_data, out, period)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 1.1) * duration)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            shown.append(the_set(out, FOREIGN)["periods"][0] == period)
        return shown

    with ThreadPoolExecutor(2) as pool:
        shown = [p for lane_shown in pool.map(lane, range(2)) for p in lane_shown]
    assert len(shown) == 20 and any(shown) and not all(shown)  # kills before and after a commit


def test_leftovers_of_killed_runs_are_cleaned_by_the_next_run(tmp_path):
    write_set(tmp_path, "2026-01")
    (tmp_path / CONTROL / "staging-killed").mkdir()
    (tmp_path / CONTROL / "staging-killed" / "results.csv").write_text("half")
    (tmp_path / CONTROL / "sets" / "never-committed").mkdir()
    os.symlink(outputs.LINK_PREFIX + "dangling.csv", tmp_path / "dangling.csv")
    write_set(tmp_path, "2026-02")
    assert sorted(p.name for p in (tmp_path / CONTROL).iterdir()) == ["current", "lock", "sets"]
    assert len(list((tmp_path / CONTROL / "sets").iterdir())) == 1
    assert not os.path.lexists(tmp_path / "dangling.csv")


def test_deck_into_a_folder_is_a_set_and_into_a_file_a_single_file(demo_data, tmp_path, capsys):
    base = ["deck", str(CONTRACT), "--data", str(demo_data), "--period", "2026-03", "--out"]
    assert main(base + [str(tmp_path / "forum")]) == 0
    assert {f["path"] for f in the_set(tmp_path / "forum")["files"]} == {"deck.pptx"}
    assert main(base + [str(tmp_path / "single.pptx")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forum", "single.pptx"]
