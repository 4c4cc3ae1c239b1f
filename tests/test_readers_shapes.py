"""A file is read as an article only when it has the shape of one; the rest is ignored, by kind.

Notes and licences beside a corpus (SOURCE.txt, README.md, LICENSE), lists of
ids, tables of something else: none of them is an "undated (no source)"
article. The walk names them to ``on_ignored`` with their kind, so the run's
summary can count them ("ignored 3 (.pdf 1, .md 2)").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.indexer.article import NotAnArticle, UnreadableArticle
from khabar.indexer.readers import READS, ignored_kind, read_file
from khabar.indexer.walk import article_files

from conftest import shared_corpus

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name,kind", [
    ("SOURCE.txt", "notes"), ("LICENSE", "notes"), ("LICENSE.txt", "notes"), ("readme.txt", "notes"),
    ("README.md", ".md"), ("report.pdf", ".pdf"), ("Makefile", "no extension"), ("judgements.q", ".q"),
    ("paper.pdf.gz", ".pdf.gz"), ("data.gz", ".gz"),
    ("news.txt", None), ("dump.json", None), ("a.warc.gz", None), ("a.tar.gz", None), ("sources-list.json", None),
])
def test_kinds(name, kind):
    assert ignored_kind(Path(name)) == kind


def _kind_of_whole_name(name: str) -> str | None:
    """The kind worked out from the whole name with pathlib, as before names were
    reduced to their suffixes (the reference for the reduction)."""
    from khabar.indexer import readers

    path = Path(name)
    kind = readers._name_kind.__wrapped__(path.name)
    if kind is not None and kind != "no extension":
        return kind
    stem = path.name.split(".", 1)[0].lower()
    return "notes" if stem in readers.NOTES or stem.startswith(("readme", "license", "licence")) else kind


@pytest.mark.parametrize("name", [
    "a.json.gz", "A.HTML.GZ", "a.pdf.gz", "a.gz", ".gz", "a.", "a..txt", "x.tar.gz.", "..a.txt", "a b.c d.txt",
    "news.2020.01.txt", "a.verylongsuffix", "a.json.toolong.gz", "README", "readme.txt.gz", "۱۳۹۹.txt", "no dot",
    "a.TXT", "a.tgz", "a.warc", "a.csv.xz", "SOURCE.txt",
])
def test_kinds_from_suffixes_equal_kinds_from_whole_names(name):
    assert ignored_kind(Path(name)) == _kind_of_whole_name(name)


def test_kinds_of_real_corpus_file_names_equal_kinds_from_whole_names():
    names = {path.name for path in shared_corpus("").rglob("*") if path.is_file()}
    assert len(names) > 1000
    for name in sorted(names):
        assert ignored_kind(Path(name)) == _kind_of_whole_name(name), name


def test_the_walk_names_what_it_ignores_and_yields_only_article_files(tmp_path):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "seed.txt").write_bytes((FIXTURES / "text" / "seed.txt").read_bytes())
    for name in ("SOURCE.txt", "README.md", "notes.md", "scan.pdf", "LICENSE", ".hidden.pdf"):
        (tmp_path / "news" / name).write_text("x", encoding="utf-8")
    ignored: list[tuple[str, str]] = []
    found = list(article_files([tmp_path], on_ignored=lambda path, kind: ignored.append((path.name, kind))))
    assert [(path.name, problem) for path, problem in found] == [("seed.txt", None)]
    assert sorted(ignored) == [("LICENSE", "notes"), ("README.md", ".md"), ("SOURCE.txt", "notes"),
                               ("notes.md", ".md"), ("scan.pdf", ".pdf")]
    assert list(article_files([tmp_path])) == found  # without a sink, as before


def test_a_notes_file_named_directly_is_no_article(tmp_path):
    path = tmp_path / "SOURCE.txt"
    path.write_text("origin: github.com/x/y\nlicense: none stated; content (c) the sites.\n", encoding="utf-8")
    with pytest.raises(NotAnArticle) as caught:
        read_file(path)
    assert caught.value.kind == "notes"
    assert [problem for _, problem in article_files([path])] == [
        "notes beside the articles (like SOURCE.txt, README, LICENSE), not an article"]


def test_a_text_file_without_prose_is_no_article(tmp_path):
    path = tmp_path / "judgements.txt"
    path.write_text("1 HAM2-830617-9013\n1 HAM2-830618-9020\n2 HAM2-840101-9001\n", encoding="utf-8")
    with pytest.raises(NotAnArticle) as caught:
        read_file(path)
    assert caught.value.kind == ".txt"
    assert isinstance(caught.value, UnreadableArticle)  # callers that know only this still skip it


def test_print_views_and_ir_news_files_are_still_articles():
    for path in (FIXTURES / "text").glob("*.txt"):
        assert read_file(path).articles, path


def test_the_summary_can_say_what_khabar_reads():
    assert READS.startswith("khabar reads .html .txt .json .jsonl .csv .tsv .xml")
