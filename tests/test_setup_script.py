"""scripts/setup finds a Python 3.12 or 3.13 where people keep one (its --find-python mode).

Each test runs the script with HOME elsewhere and a PATH that holds no Python at all, only
the tools the script needs and, where a test says so, a stand-in ``pyenv`` or ``uv``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SETUP = REPO / "scripts" / "setup"
BASH = shutil.which("bash") or "/bin/bash"
# A real Python 3.12 or 3.13 (the one running the tests), not the venv's wrapper.
PYTHON = Path(getattr(sys, "_base_executable", None) or sys.executable)
# Read at import, before conftest points HOME at a temporary folder.
OUTER_ENV = dict(os.environ)


def real_pyenv_root() -> Path | None:
    """The pyenv root of this machine, if it holds a 3.12 or 3.13."""
    roots = [OUTER_ENV.get("PYENV_ROOT"), Path(OUTER_ENV.get("HOME", "/nonexistent")) / ".pyenv"]
    base = Path(sys.base_prefix)
    if base.parent.name == "versions":
        roots.append(base.parent.parent)
    for root in filter(None, roots):
        if any(Path(root).glob("versions/3.1[23]*/bin/python3")):
            return Path(root)
    return None


def fixed_place_python() -> str | None:
    """A fitting Python in the places the script always looks (then 'none found' cannot happen)."""
    for folder in ("/usr/local/bin", "/usr/bin", "/opt/homebrew/bin"):
        for name in ("python3.13", "python3.12", "python3"):
            path = Path(folder) / name
            if path.exists() and subprocess.run(
                [path, "-c", "import sys, ensurepip; sys.exit(not (3, 12) <= sys.version_info < (3, 14))"],
                capture_output=True,
            ).returncode == 0:
                return str(path)
    return None


@pytest.fixture
def bare_path(tmp_path) -> Path:
    """A PATH folder with the script's tools and no Python."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("dirname",):
        (folder / tool).symlink_to(shutil.which(tool))
    return folder


@pytest.fixture
def made_pyenv_root(tmp_path) -> Path:
    """A pyenv root whose versions are links to a real Python (pyenv's layout, any machine)."""
    root = tmp_path / "pyenv"
    for version in ("3.12.50", "3.13.99"):
        bin_dir = root / "versions" / version / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / "python3").symlink_to(PYTHON)
    return root


def stand_in(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(0o755)


def find_python(path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": str(path), "HOME": os.environ["HOME"], "LANG": "C.UTF-8", **env}
    return subprocess.run([BASH, SETUP, "--find-python"], env=environment, capture_output=True, text=True, timeout=60)


def test_finds_the_real_pyenv_python_by_PYENV_ROOT(bare_path):
    root = real_pyenv_root()
    if root is None:
        pytest.skip("needs a pyenv root with a Python 3.12 or 3.13 (PYENV_ROOT, ~/.pyenv)")
    result = find_python(bare_path, PYENV_ROOT=str(root))
    assert result.returncode == 0, result.stderr
    found = Path(result.stdout.strip())
    assert found.parent.parent.parent == root / "versions" and found.parent.parent.name[:4] in ("3.12", "3.13")
    assert result.stderr == ""


def test_finds_pyenv_versions_by_PYENV_ROOT_preferring_3_13(bare_path, made_pyenv_root):
    result = find_python(bare_path, PYENV_ROOT=str(made_pyenv_root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(made_pyenv_root / "versions" / "3.13.99" / "bin" / "python3")


def test_asks_pyenv_on_PATH_for_its_root(bare_path, made_pyenv_root):
    stand_in(bare_path, "pyenv", f'[ "$1" = root ] && echo "{made_pyenv_root}"')
    result = find_python(bare_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(str(made_pyenv_root / "versions" / "3.13.99"))


def test_asks_uv_on_PATH(bare_path):
    stand_in(bare_path, "uv", f'[ "$1 $2 $3" = "python find >=3.12,<3.14" ] && echo "{PYTHON}"')
    result = find_python(bare_path)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve() == PYTHON.resolve()


def test_finds_home_pyenv(bare_path, made_pyenv_root, tmp_path):
    home = tmp_path / "home"
    shutil.move(made_pyenv_root, home / ".pyenv")
    result = find_python(bare_path, HOME=str(home))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(home / ".pyenv" / "versions" / "3.13.99" / "bin" / "python3")


def test_python_on_PATH_comes_first(bare_path, made_pyenv_root):
    (bare_path / "python3.12").symlink_to(PYTHON)
    result = find_python(bare_path, PYENV_ROOT=str(made_pyenv_root))
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve() == PYTHON.resolve()


def test_KHABAR_PYTHON_is_used_and_must_fit(bare_path, made_pyenv_root, tmp_path):
    chosen = tmp_path / "chosen-python"
    chosen.symlink_to(PYTHON)
    result = find_python(bare_path, PYENV_ROOT=str(made_pyenv_root), KHABAR_PYTHON=str(chosen))
    assert (result.returncode, result.stdout.strip()) == (0, str(chosen))

    wrong = find_python(bare_path, PYENV_ROOT=str(made_pyenv_root), KHABAR_PYTHON="/nonexistent/python3")
    assert wrong.returncode == 1 and wrong.stdout == ""
    assert wrong.stderr == "setup: KHABAR_PYTHON=/nonexistent/python3 is not a Python 3.12 or 3.13\n"


def test_no_python_is_one_clear_line(bare_path, tmp_path):
    if found := fixed_place_python():
        pytest.skip(f"{found} fits, so a Python is always found here")
    result = find_python(bare_path, PYENV_ROOT=str(tmp_path / "no-pyenv"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("setup: khabar needs Python 3.12 or 3.13")
    assert "KHABAR_PYTHON" in result.stderr


def test_an_unknown_argument_is_a_usage_error(bare_path):
    result = subprocess.run([BASH, SETUP, "--bogus"], env={"PATH": str(bare_path)}, capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr == "setup: usage: scripts/setup [--find-python]\n"
