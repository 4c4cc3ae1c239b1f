"""A full disk or a read-only one: one line naming what failed, and the previous index whole.

Real file systems, not mocks: a small tmpfs (full after a few MB) and a tmpfs
remounted read-only. Mounting needs root and a kernel that allows it; the
tests skip with the reason where it does not.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

SEED = Path(__file__).parent / "fixtures" / "text" / "seed.txt"


def khabar(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from khabar import cli; cli.main()", *args],
                          capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs: room for a one-article index, not for the bundled corpus's."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'mount failed'}): needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def one_article_index(disk: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copyfile(SEED, folder / "seed.txt")
    index_dir = disk / "ix"
    built = khabar("index", "-q", "--index", str(index_dir), str(folder))
    assert built.returncode == 0, built.stderr
    return index_dir


def assert_one_line(stderr: str, *needles: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def assert_still_searchable(index_dir: Path) -> None:
    found = khabar("search", "--index", str(index_dir), "--json", "تعاونی دانش بنیان")
    assert found.returncode == 0, found.stderr
    assert '"total": 1' in found.stdout


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
def test_a_full_disk_is_one_line_and_the_index_stays(small_disk, tmp_path, rebuild):
    index_dir = one_article_index(small_disk, tmp_path)
    run = khabar("index", "-q", "--index", str(index_dir), *(["--rebuild"] if rebuild else []), str(REPO / "corpus"))
    assert run.returncode == 4, run.stderr
    assert_one_line(run.stderr, "No space left on device", "as it was")
    assert_still_searchable(index_dir)


def test_a_read_only_disk_is_one_line_and_search_still_works(small_disk, tmp_path):
    index_dir = one_article_index(small_disk, tmp_path)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    run = khabar("index", "-q", "--index", str(index_dir), str(REPO / "corpus"))
    assert run.returncode == 4, run.stderr
    assert_one_line(run.stderr, "Read-only file system")
    assert_still_searchable(index_dir)


def test_search_with_a_read_only_home_is_one_line(small_disk, tmp_path):
    """The first search builds the default index under XDG_DATA_HOME: where it cannot, one line."""
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(small_disk), "XDG_DATA_HOME": str(small_disk / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = khabar("search", "تعاونی", env=env)
    assert run.returncode == 4, run.stderr
    assert_one_line(run.stderr, "Read-only file system")
