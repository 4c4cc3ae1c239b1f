"""khabar installed from a wheel works outside the checkout (``-m "not install"`` skips this).

A wheel is built from a copy of the working tree (building in the checkout would leave
build/ and khabar.egg-info there, and a stale build/ can ship files that are gone) and
installed with its dependencies into a new venv outside the checkout, as ``pip install .``
would. Every command runs from a folder outside the checkout with no PYTHONPATH, so only
what the wheel installed can be imported: about 40 s, most of it pip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.install

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
# Read at import, before conftest points HOME and the caches at temporary folders, so that
# pip uses this machine's own cache and configuration.
OUTER_ENV = dict(os.environ)


def environment(**overrides: str) -> dict[str, str]:
    """The machine's environment without anything that would lead Python back to the checkout."""
    env = {name: value for name, value in OUTER_ENV.items()
           if not name.startswith(("PYTHON", "KHABAR_", "VIRTUAL_ENV", "PYTEST", "XDG_DATA"))}
    env.update(overrides)
    return env


def run(command: list, env: dict, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    command = " ".join(Path(part).name if os.sep in part else part for part in result.args[:3])
    assert result.returncode == 0, f"{command} ... exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


@dataclass
class Installed:
    venv: Path
    wheel: Path
    work: Path  # outside the checkout: every command runs from here

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def env(self, home: Path, **overrides: str) -> dict[str, str]:
        return environment(
            PATH=f"{self.venv / 'bin'}{os.pathsep}{OUTER_ENV.get('PATH', '')}",
            HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
            NO_COLOR="1", **overrides,
        )

    def khabar(self, home: Path, *args, **overrides: str) -> subprocess.CompletedProcess:
        return run([self.venv / "bin" / "khabar", *args], self.env(home, **overrides), self.work)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("install")
    assert REPO not in root.resolve().parents, "the install must happen outside the checkout"
    work = root / "elsewhere"
    work.mkdir()
    source = root / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache"))
    pip_env = environment()
    ok(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
            "-w", root / "dist", source], pip_env, work))
    (wheel,) = (root / "dist").glob("khabar-*.whl")
    ok(run([sys.executable, "-m", "venv", root / "venv"], pip_env, work))
    ok(run([root / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            wheel], pip_env, work))
    yield Installed(venv=root / "venv", wheel=wheel, work=work)
    shutil.rmtree(root, ignore_errors=True)  # ~300 MB, most of it numpy, scipy and lxml


def installed_python(installed: Installed, code: str) -> dict:
    """Run ``code`` in the installed venv; it prints one JSON value."""
    return json.loads(ok(run([installed.python, "-c", code], installed.env(installed.work), installed.work)).stdout)


def test_the_wheel_installs_only_the_khabar_package(installed):
    found = installed_python(installed, """if True:
        import importlib.metadata, importlib.util, json, sys
        dist = importlib.metadata.distribution("khabar")
        import khabar, khabar.cli, khabar.search.engine, khabar.indexer.update
        print(json.dumps({
            "top_level": dist.read_text("top_level.txt").split(),
            "first_parts": sorted({file.parts[0] for file in dist.files}),
            "elsewhere": [name for name in ("indexer", "search", "cli", "setup", "corpus", "tests", "bench")
                          if importlib.util.find_spec(name) is not None],
            "setup_in_package": importlib.util.find_spec("khabar.setup") is not None,
            "package": khabar.__file__,
            "site": [path for path in sys.path if path.endswith("site-packages")],
        }))""")
    assert found["top_level"] == ["khabar"]
    assert set(found["first_parts"]) <= {"khabar", installed.wheel.name.split("-py")[0] + ".dist-info", ".."}
    assert found["elsewhere"] == [], "the wheel put these names at top level"
    assert not found["setup_in_package"]
    assert Path(found["package"]).is_relative_to(installed.venv) and REPO not in Path(found["package"]).parents
    assert found["site"] and all(Path(path).is_relative_to(installed.venv) for path in found["site"])


def test_the_bundled_corpus_is_inside_the_installed_package(installed):
    found = installed_python(installed, """if True:
        import importlib.resources, json
        corpus = importlib.resources.files("khabar") / "corpus"
        print(json.dumps({"corpus": str(corpus), "articles": sum(1 for _ in corpus.glob("*/*.txt")),
                          "readme": (corpus / "README.md").is_file()}))""")
    assert Path(found["corpus"]).is_relative_to(installed.venv)
    assert found["articles"] >= 300 and found["readme"]


def test_index_and_search_a_folder_outside_the_checkout(installed, tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    for path in sorted((FIXTURES / "text").glob("*.txt")):
        shutil.copyfile(path, news / path.name)
    index_dir = tmp_path / "ix"

    indexed = ok(installed.khabar(tmp_path, "index", "--index", index_dir, news))
    assert "added 5, updated 0, removed 0, skipped 0" in indexed.stderr

    found = json.loads(ok(installed.khabar(tmp_path, "search", "--index", index_dir, "--json", "کرونا")).stdout)
    assert found["total"] >= 1
    assert any("tabnak.ir" in result["url"] for result in found["results"])
    assert all(result["title"] and result["snippet"] for result in found["results"])

    seed = json.loads(ok(installed.khabar(tmp_path, "search", "--index", index_dir, "--json", "رومشکان")).stdout)
    assert seed["total"] == 1 and "رومشکان" in seed["results"][0]["title"]


def test_the_first_search_builds_the_default_index_from_the_bundled_corpus(installed, tmp_path):
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    first = installed.khabar(home, "تعاونی دانش بنیان")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip(), "the first search printed no results"
    assert (home / "data" / "khabar" / "index").is_dir()

    stats = json.loads(ok(installed.khabar(home, "stats", "--json")).stdout)
    assert stats["articles"] >= 300
    assert stats["roots"] and all(Path(root).is_relative_to(installed.venv) for root in stats["roots"])

    again = json.loads(ok(installed.khabar(home, "search", "--json", "تعاونی دانش بنیان")).stdout)
    assert again["total"] >= 1


def test_the_version_is_the_wheels(installed):
    version = ok(installed.khabar(installed.work, "--version")).stdout
    assert installed.wheel.name.split("-")[1] in version
