"""Compressed files and bundles, read as streams: the same articles as the files inside.

The archives are made here from the reader fixtures (see their READMEs).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from pathlib import Path

import pytest

from khabar.indexer.article import UnreadableArticle
from khabar.indexer.readers import is_supported, read_file

FIXTURES = Path(__file__).parent / "fixtures"
FILES = [
    FIXTURES / "json" / "fars-news.json",
    FIXTURES / "feeds" / "mehr.xml",
    FIXTURES / "csv" / "farsnews-shape.csv",
    FIXTURES / "collections" / "mirastext.txt",
    FIXTURES / "html_older" / "print_tiam.html",
    FIXTURES / "text" / "seed.txt",
]


def summary(result) -> list[tuple[str, str, str]]:
    return sorted((a.title, a.url, a.body[:80]) for _, a in result.articles)


@pytest.mark.parametrize("suffix,compress", [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)])
@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_a_compressed_file_reads_as_the_file_inside(tmp_path, source, suffix, compress):
    path = tmp_path / (source.name + suffix)
    path.write_bytes(compress(source.read_bytes()))
    plain, packed = read_file(source), read_file(path)
    assert summary(packed) == summary(plain)
    assert [key for key, _ in packed.articles] == [key for key, _ in plain.articles]
    assert packed.problems == plain.problems


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return path


def _tar(path: Path, members: dict[str, bytes], mode: str) -> Path:
    with tarfile.open(path, mode) as bundle:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
    return path


MEMBERS = {f"news/{path.name}": path.read_bytes() for path in FILES} | {
    "news/README.md": b"# notes", "news/SOURCE.txt": b"origin: somewhere", "news/scan.pdf": b"%PDF-1.4",
    "__MACOSX/news/._mehr.xml": b"\x00\x05\x16\x07", "news/.hidden.txt": b"x",
}


@pytest.mark.parametrize("name,make", [
    ("news.zip", lambda p: _zip(p, MEMBERS)),
    ("news.tar", lambda p: _tar(p, MEMBERS, "w")),
    ("news.tar.gz", lambda p: _tar(p, MEMBERS, "w:gz")),
    ("news.tgz", lambda p: _tar(p, MEMBERS, "w:gz")),
    ("news.tar.bz2", lambda p: _tar(p, MEMBERS, "w:bz2")),
    ("news.tar.xz", lambda p: _tar(p, MEMBERS, "w:xz")),
])
def test_a_bundle_reads_as_its_members(tmp_path, name, make):
    result = read_file(make(tmp_path / name))
    expected = [item for path in FILES for item in summary(read_file(path))]
    assert summary(result) == sorted(expected)
    keys = [key for key, _ in result.articles]
    assert "#news/fars-news.json#2" in keys and "#news/seed.txt" in keys
    assert result.problems[-1] == "members not read, being no article files: 3 (.md 1, .pdf 1, notes 1)"


def test_a_broken_member_is_named_and_the_others_read(tmp_path):
    members = {"a/seed.txt": (FIXTURES / "text" / "seed.txt").read_bytes(), "a/bad.json": b"[1, 2",
               "a/empty.html": b"   "}
    result = read_file(_zip(tmp_path / "x.zip", members))
    assert len(result.articles) == 1
    bad, empty = sorted(result.problems)
    assert bad == "a/bad.json: no readable article: record 1: not a JSON object (and 2 more bad records)"
    assert empty == "a/empty.html: empty file"


def test_a_zip_inside_a_tar_is_read_too(tmp_path):
    inner = _zip(tmp_path / "inner.zip", {"seed.txt": (FIXTURES / "text" / "seed.txt").read_bytes()}).read_bytes()
    result = read_file(_tar(tmp_path / "outer.tar.gz", {"2023/inner.zip": inner}, "w:gz"))
    assert [key for key, _ in result.articles] == ["#2023/inner.zip#seed.txt"]


def test_a_broken_archive_is_unreadable(tmp_path):
    path = tmp_path / "cut.tar.gz"
    data = _tar(tmp_path / "whole.tar.gz", MEMBERS, "w:gz").read_bytes()
    path.write_bytes(data[:40])
    with pytest.raises(UnreadableArticle):
        read_file(path)
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not a zip at all")
    with pytest.raises(UnreadableArticle):
        read_file(tmp_path / "bad.zip")


def test_compressed_suffixes_are_supported_by_what_they_hold():
    for name in ("a.json.gz", "a.txt.bz2", "a.xml.xz", "a.warc.gz", "a.tar.gz", "a.zip", "a.tgz", "A.HTML.GZ"):
        assert is_supported(Path(name)), name
    for name in ("a.pdf.gz", "a.gz", "a.docx.xz"):
        assert not is_supported(Path(name)), name
