"""Shared fixtures: every test runs with its own index, data and cache folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "text" / "seed.txt"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPO = Path(__file__).resolve().parents[1]



def bundled_documents(limit: int) -> list[dict]:
    """Real articles as the index's fields (schema.article_fields): the first ``limit``
    files of the bundled sample corpus."""
    from khabar.indexer.readers import read_file
    from khabar.indexer.schema import article_fields

    docs = []
    for path in sorted((REPO / "corpus").rglob("*.txt"))[:limit]:
        for key, article in read_file(path).articles:
            docs.append(article_fields(article.id or str(path) + key, article, path=str(path),
                                       digest="digest", stamp="stamp"))
    return docs


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("KHABAR_INDEX", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # The table view wraps to COLUMNS even on a pipe: tests set it where they mean a width.
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    # The lexicon cache is shared across tests: parsing hazm's lexicon takes ~1 s.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def news_folder(tmp_path) -> Path:
    """A folder of real articles: the seed (print view) and four ir-news files."""
    folder = tmp_path / "news"
    folder.mkdir()
    for path in sorted((FIXTURES / "text").glob("*.txt")):
        shutil.copyfile(path, folder / path.name)
    return folder


def real_articles() -> list[dict]:
    """The fixture articles (real text) with ids of their own."""
    articles = []
    for number, path in enumerate(sorted((FIXTURES / "text").glob("*.txt"))):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles.append({"id": f"fixture-{number}", "title": title.strip(), "body": body.strip()})
    return articles


def write_articles(path: Path, articles: list[dict]) -> Path:
    """``articles`` as a JSON Lines file at ``path``, its folder made if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(article, ensure_ascii=False) + "\n" for article in articles), encoding="utf-8")
    return path


def ids_by_path(index_dir: Path) -> dict[str, set[str]]:
    """The live articles' ids by the path of their file, from their stored fields (not from columns)."""
    from khabar.indexer.store import open_for_search

    ix = open_for_search(index_dir)
    try:
        with ix.searcher() as searcher:
            held: dict[str, set[str]] = {}
            for fields in searcher.all_stored_fields():
                held.setdefault(fields["path"], set()).add(fields["id"])
            return held
    finally:
        ix.close()


def doc_count(index_dir: Path) -> int:
    """How many live articles the index at ``index_dir`` holds."""
    from khabar.indexer.store import open_for_search

    ix = open_for_search(index_dir)
    try:
        return ix.doc_count()
    finally:
        ix.close()


def shared_corpus(relative: str) -> Path:
    """A path under ../shared/corpora, or skip when the shared data is absent."""
    path = SHARED / "corpora" / relative
    if not path.exists():
        pytest.skip(f"needs {path} (the shared corpora beside the checkout)")
    return path


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory):
    """The bundled sample corpus (301 real articles) indexed once: common words, many matches."""
    from khabar.indexer.update import update_index

    index_dir = tmp_path_factory.mktemp("bundled") / "ix"
    update_index(index_dir, [REPO / "corpus"])
    return index_dir


@pytest.fixture(scope="session")
def duplicates_index(tmp_path_factory):
    """The duplicates fixture's news (stories republished by several sites) indexed once; read only."""
    from khabar.indexer.update import update_index

    folder = tmp_path_factory.mktemp("duplicates")
    shutil.copytree(FIXTURES / "duplicates" / "news", folder / "news")
    update_index(folder / "ix", [folder / "news"])
    return folder / "ix"
