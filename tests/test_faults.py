"""Real faults against a real ``khabar index``: SIGKILL at random moments, Ctrl-C.

Each trial runs ``khabar index`` in its own process group under
``fault_harness.py`` (a child subreaper, so that every process the indexer
leaves behind is found), signals it at a random moment, and then checks:

* kill -9 (a fresh build, a rebuild, an incremental run, and between the two
  renames of a rebuild's swap): no process of the run is left after a short
  grace period (workers, forkserver, resource tracker); ``khabar search``
  works (exit 0 or 1, not 3, unless no build ever committed); the index holds
  a committed state (the article count before the run or after it, nothing
  in between); and the next ``khabar index`` completes with the full count
  and leaves nothing beside the index.
* Ctrl-C (SIGINT to the process group, as a terminal sends it): exit 130,
  exactly one line on stderr, no traceback, no hang, no process left, and
  the index as it was.

The default mode runs a few trials per case on the bundled corpus (301 files:
enough for the parallel paths, which start at 200) in about a minute and a
half. ``KHABAR_FAULTS=long`` runs many more on ../shared/corpora/ir-news.
``KHABAR_FAULTS_LOG=FILE`` appends one JSON line per trial (for counting);
``KHABAR_FAULTS_SEED`` repeats a run's random moments.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, SHARED

LONG = os.environ.get("KHABAR_FAULTS") == "long"
SEED = int(os.environ.get("KHABAR_FAULTS_SEED") or random.randrange(1 << 30))
LOG = os.environ.get("KHABAR_FAULTS_LOG")
HARNESS = Path(__file__).with_name("fault_harness.py")
KHABAR = [sys.executable, "-c", "from khabar import cli; cli.main()"]
# A rebuild that stops dead after the first rename of its swap (the index to
# NAME.old) and says so with a flag file: the moment to kill it.
PAUSED_AT_SWAP = [sys.executable, "-c", """
import os, pathlib, time
real = pathlib.Path.rename
def rename(self, target):
    moved = real(self, target)
    if pathlib.Path(target).name.endswith(".old"):
        pathlib.Path(os.environ["KHABAR_TEST_SWAP_FLAG"]).touch()
        time.sleep(3600)
    return moved
pathlib.Path.rename = rename
from khabar import cli; cli.main()
"""]
INTERRUPTED = "khabar: interrupted; the index is as it was before this run"

KILLS = {"fresh": 8, "rebuild": 8, "incremental": 10, "swap": 3} if LONG else \
        {"fresh": 2, "rebuild": 2, "incremental": 3, "swap": 1}
CTRL_CS = {"fresh": 8, "rebuild": 6, "incremental": 12} if LONG else {"fresh": 1, "rebuild": 1, "incremental": 3}

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the harness reads /proc (Linux)")


@dataclass
class Corpus:
    small: Path  # the base index's articles: a few
    more: Path  # added to them: enough files for the parallel paths
    small_count: int
    full_count: int
    base_index: Path  # the index of ``small`` at ``work``/news, built once and copied for each trial
    work: Path  # where each trial runs: ``work``/news and ``work``/ix, made afresh


def khabar(*arguments: str, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*KHABAR, *arguments], capture_output=True, text=True, env=env, timeout=timeout)


def article_count(index_dir: Path, env: dict) -> int | None:
    """The articles the index holds, or None when there is no usable index."""
    stats = khabar("stats", "--json", "--index", str(index_dir), env=env)
    if stats.returncode == 3:
        return None
    assert stats.returncode in (0, 1), stats.stderr
    return json.loads(stats.stdout)["articles"]


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("faults-home")
    return {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(tmp_path_factory.getbasetemp() / "cache"), "PYTHONFAULTHANDLER": "1"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, env) -> Corpus:
    root = tmp_path_factory.mktemp("faults-corpus")
    small = root / "small"
    shutil.copytree(FIXTURES / "text", small)
    if LONG:
        source = SHARED / "corpora" / "ir-news" / "Dataset"
        if not source.is_dir():
            pytest.skip(f"KHABAR_FAULTS=long needs {source}")
    else:
        source = REPO / "corpus" / "ir-news"
    more = root / "more"
    shutil.copytree(source, more)
    work = root / "trial"
    shutil.copytree(small, work / "news")
    built = khabar("index", "-q", "--index", str(work / "ix"), str(work / "news"), env=env)
    assert built.returncode == 0, built.stderr
    base = root / "base-index"
    shutil.copytree(work / "ix", base)
    full = root / "full"
    shutil.copytree(small, full)
    shutil.copytree(more, full / "more")
    reference = root / "reference-index"
    built = khabar("index", "-q", "--index", str(reference), str(full), env=env)
    assert built.returncode == 0, built.stderr
    return Corpus(small, more, article_count(base, env), article_count(reference, env), base, work)


def log(record: dict) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def harness(spec: dict) -> dict:
    done = subprocess.run([sys.executable, str(HARNESS), json.dumps(spec)], capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Trial:
    """One case's folders: the news folder and the index, as they are before the run."""

    def __init__(self, corpus: Corpus, case: str) -> None:
        # Always the same paths, which the base index's articles name.
        shutil.rmtree(corpus.work, ignore_errors=True)
        self.news = corpus.work / "news"
        self.index = corpus.work / "ix"
        shutil.copytree(corpus.small, self.news)
        if case != "fresh":
            shutil.copytree(corpus.base_index, self.index)
        shutil.copytree(corpus.more, self.news / "more")
        self.before = None if case == "fresh" else corpus.small_count
        self.after = corpus.full_count
        self.argv = {
            "fresh": [*KHABAR, "index", "-q", "--index", str(self.index), str(self.news)],
            "rebuild": [*KHABAR, "index", "-q", "--rebuild", "--index", str(self.index)],
            "incremental": [*KHABAR, "index", "-q", "--index", str(self.index)],
            "swap": [*PAUSED_AT_SWAP, "index", "-q", "--rebuild", "--index", str(self.index)],
        }[case]

    def beside(self) -> list[str]:
        """What lies beside the index besides it: a killed run's leftovers."""
        return sorted(p.name for p in self.index.parent.iterdir() if p.name.startswith("ix."))


# The moment to signal: after the run has taken its lock (its imports done),
# anywhere up to the length of a whole run, learnt from the runs so far.
_durations: dict[str, float] = {}


def moment(rng: random.Random, case: str) -> float:
    return rng.uniform(0, _durations.get(case, 3.0 if LONG else 2.0))


def converge(trial: Trial, env: dict, case: str) -> subprocess.CompletedProcess:
    started = time.monotonic()
    done = khabar("index", "-q", "--index", str(trial.index), str(trial.news), env=env)
    _durations[case] = max(0.2, time.monotonic() - started - 0.4)  # less start-up, before the lock
    return done


@pytest.mark.parametrize("case,number", [(case, n) for case, count in KILLS.items() for n in range(count)])
def test_kill_9_leaves_a_committed_index_and_no_process(tmp_path, corpus, env, case, number):
    rng = random.Random(f"{SEED}-kill-{case}-{number}")
    trial = Trial(corpus, case)
    flag = tmp_path / "at-swap"
    spec = {"argv": trial.argv, "env": {"KHABAR_TEST_SWAP_FLAG": str(flag), "PYTHONFAULTHANDLER": "1"},
            "signal": "KILL", "grace": 5, "timeout": 30}
    spec.update({"when_exists": str(flag)} if case == "swap" else
                {"when_exists": str(trial.index.with_name("ix.lock")), "after": moment(rng, case)})
    spec["env"].update({k: env[k] for k in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")})
    result = harness(spec)

    searched = khabar("search", "--index", str(trial.index), "تعاونی", env=env)
    count = article_count(trial.index, env)
    allowed = {trial.after} if result["finished_early"] else {trial.before, trial.after}
    if case == "swap":
        allowed = {trial.after}  # the rebuild was complete: the swap is finished, not undone
    converged = converge(trial, env, case)
    final = article_count(trial.index, env)
    broken = (searched.returncode not in (0, 1) and count is not None) or count not in allowed \
        or (count is None and searched.returncode != 3) or converged.returncode != 0 or final != trial.after \
        or bool(trial.beside())
    log({"kind": "kill", "case": case, "seed": SEED, "at": result["signalled_at"],
         "finished_early": result["finished_early"], "search": searched.returncode, "count": count,
         "final": final, "beside": trial.beside(), "broken": broken, "orphans": result["orphans"]})

    where = f"(seed {SEED}, killed at {result['signalled_at']} s)"
    assert not result["orphans"], f"processes left {where}: {result['orphans']}"
    if count is not None:
        assert searched.returncode in (0, 1), f"search failed on the killed run's index {where}: {searched.stderr}"
    else:
        assert searched.returncode == 3 and case == "fresh", f"no usable index after the kill {where}"
    assert count in allowed, f"{count} articles: not a committed state ({allowed}) {where}"
    assert converged.returncode == 0, f"the next run failed {where}: {converged.stderr}"
    assert final == trial.after, f"the next run left {final} articles, not {trial.after} {where}"
    assert not trial.beside(), f"left beside the index {where}: {trial.beside()}"


@pytest.mark.parametrize("case,number", [(case, n) for case, count in CTRL_CS.items() for n in range(count)])
def test_ctrl_c_is_one_line_and_exit_130(tmp_path, corpus, env, case, number):
    rng = random.Random(f"{SEED}-int-{case}-{number}")
    trial = Trial(corpus, case)
    spec = {"argv": trial.argv, "env": {k: env[k] for k in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")},
            "signal": "INT", "grace": 5, "timeout": 20,
            "when_exists": str(trial.index.with_name("ix.lock")), "after": moment(rng, case)}
    spec["env"]["PYTHONFAULTHANDLER"] = "1"
    result = harness(spec)
    lines = result["stderr"].strip().splitlines()
    count = article_count(trial.index, env)
    traceback = "Traceback" in result["stderr"] or "Fatal Python error" in result["stderr"]
    log({"kind": "ctrl-c", "case": case, "seed": SEED, "at": result["signalled_at"],
         "finished_early": result["finished_early"], "status": result["status"], "lines": lines,
         "too_late": result["status"] == 0,
         "traceback": traceback, "hung": result["hung"], "orphans": result["orphans"], "count": count})

    where = f"(seed {SEED}, Ctrl-C at {result['signalled_at']} s)"
    assert not result["hung"], f"no exit 20 s after Ctrl-C {where}: {result['stderr'][-3000:]}"
    assert not traceback, f"a traceback {where}: {result['stderr'][-3000:]}"
    assert not result["orphans"], f"processes left {where}: {result['orphans']}"
    if result["status"] == 0:
        # Too late: the run had committed (or finished) before Ctrl-C came,
        # and says so; nothing of it is undone.
        assert len(lines) == 1 and lines[0].startswith("khabar: added "), f"stderr {where}: {result['stderr']}"
        assert count == trial.after
        return
    assert result["status"] == 130, result["stderr"]
    assert lines == [INTERRUPTED], f"stderr {where}: {result['stderr']}"
    assert count == trial.before, f"{count} articles after an interrupted run, not {trial.before} {where}"
    assert not trial.beside(), f"left beside the index {where}: {trial.beside()}"
