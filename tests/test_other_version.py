"""An index written by another version of khabar, whose schema names a field class this
version lacks, gets one line from `khabar search` and is rebuilt by `khabar index`
(the table of contents was unpickled to ask whether an index was there: a traceback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

from whoosh.fields import STORED

from khabar.indexer.store import IndexMeta, index_exists
from khabar.indexer.version import SCHEMA_VERSION

from conftest import FIXTURES


def newer_index(bundled_index: Path, tmp_path: Path) -> Path:
    """A copy of the bundled index whose schema holds a field of a module no process has
    (as a later khabar's field class is to this one) and whose meta says a later schema."""
    index_dir = tmp_path / "ix"
    shutil.copytree(bundled_index, index_dir)
    module = types.ModuleType("khabar_of_a_later_version")
    field_class = type("FieldOfALaterVersion", (STORED,), {"__module__": module.__name__})
    module.FieldOfALaterVersion = field_class
    sys.modules[module.__name__] = module
    try:
        from whoosh.filedb.filestore import FileStorage

        ix = FileStorage(str(index_dir)).open_index()
        writer = ix.writer()
        writer.add_field("later", field_class())
        writer.commit()
    finally:
        del sys.modules[module.__name__]
    meta = json.loads((index_dir / "khabar.json").read_text(encoding="utf-8"))
    meta["schema_version"] = SCHEMA_VERSION + 1
    (index_dir / "khabar.json").write_text(json.dumps(meta), encoding="utf-8")
    return index_dir


def khabar(*args: str) -> subprocess.CompletedProcess:
    run = [sys.executable, "-c", "from khabar.cli import main; main()", *args]
    return subprocess.run(run, capture_output=True, text=True, errors="replace", timeout=120)


def test_search_names_the_other_version_in_one_line(bundled_index, tmp_path):
    index_dir = newer_index(bundled_index, tmp_path)
    assert index_exists(index_dir)
    result = khabar("search", "--index", str(index_dir), "تهران")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "another version of khabar" in lines[0], result.stderr


def test_index_rebuilds_an_index_of_another_version(bundled_index, tmp_path):
    index_dir = newer_index(bundled_index, tmp_path)
    corpus = tmp_path / "news"
    corpus.mkdir()
    shutil.copy(FIXTURES / "text" / "seed.txt", corpus / "seed.txt")
    result = khabar("index", "--index", str(index_dir), str(corpus))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert IndexMeta.load(index_dir).schema_version == SCHEMA_VERSION
    found = khabar("search", "--index", str(index_dir), "--format", "json", "لرستان")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] == 1


def test_a_folder_without_a_table_of_contents_holds_no_index(tmp_path):
    (tmp_path / "MAIN_abc.seg").write_bytes(b"")
    assert not index_exists(tmp_path)
    assert not index_exists(tmp_path / "absent")
