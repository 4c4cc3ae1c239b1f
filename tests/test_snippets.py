"""Snippets: the fragments of an article a hit shows never show a piece of it twice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO, shared_corpus
from khabar import cli
from khabar.indexer.persian.terms import index_term
from khabar.indexer.readers import read_file
from khabar.indexer.safe_text import clean_text
from khabar.search.snippets import SnippetMarks, snippet

ARTICLE = FIXTURES / "snippets" / "tabnak_data_1526.txt"
MARKS = SnippetMarks("[", "]")


def flat(text: str) -> str:
    return " ".join(clean_text(text).split())


def pieces_in_order(body: str, shown: str) -> list[tuple[int, int]]:
    """Where each fragment of ``shown`` is in ``body``, each found after the one before it
    (a fragment that repeats text of the one before is not found)."""
    text, at, places = flat(body), 0, []
    for piece in shown.replace(MARKS.start, "").replace(MARKS.end, "").split(MARKS.between.strip()):
        piece = piece.strip()
        found = text.find(piece, at)
        assert found >= 0, f"not after the fragment before it: {piece!r}"
        places.append((found, found + len(piece)))
        at = found + len(piece)
    return places


def body_of(path: Path) -> str:
    [(_, article)] = read_file(path, path.read_bytes()).articles
    return article.body


def terms(*words: str) -> frozenset[str]:
    return frozenset(index_term(word) for word in words)


def test_fragments_that_meet_are_joined_not_repeated():
    body = body_of(ARTICLE)
    shown = snippet(body, terms("سهام", "عدالت"), MARKS)
    # The sentence once written, once shown (it was shown twice: issue 12).
    assert shown.count("فوت شدند که") == flat(body[:1500]).count("فوت شدند که") == 1
    pieces_in_order(body, shown)


def test_every_query_word_shown_is_marked():
    shown = snippet(body_of(ARTICLE), terms("سهام", "عدالت"), MARKS)
    unmarked = re.sub(r"\[[^\]]*\]", "", shown)
    assert "سهام" in shown and "عدالت" not in unmarked and "سهام " not in unmarked


def test_the_search_command_shows_the_article_once(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    runner = CliRunner()
    built = runner.invoke(cli.main, ["index", "-q", "--index", str(tmp_path / "ix"), str(folder)])
    assert built.exit_code == 0, built.stderr
    found = runner.invoke(cli.main, ["سهام عدالت", "--from", "1399/03", "--json", "--index", str(tmp_path / "ix")])
    assert found.exit_code == 0, found.stderr
    [hit] = json.loads(found.stdout)["results"]
    assert hit["snippet"].count("فوت شدند که") == 1
    pieces_in_order(body_of(ARTICLE), hit["snippet"])


@pytest.mark.parametrize("query", [("سهام", "عدالت"), ("کرونا",), ("ایران", "آمریکا"), ("بورس",)])
def test_no_snippet_of_the_bundled_corpus_repeats_text(query):
    for path in sorted((REPO / "corpus").rglob("*.txt"))[:150]:
        for _, article in read_file(path, path.read_bytes()).articles:
            if not isinstance(article, str):
                pieces_in_order(article.body, snippet(article.body, terms(*query), MARKS))


def test_no_snippet_of_ir_news_repeats_text():
    folder = shared_corpus("ir-news/Dataset")
    for path in sorted(folder.glob("tabnak_data_1*.txt"))[:400]:
        body = body_of(path)
        pieces_in_order(body, snippet(body, terms("سهام", "عدالت", "کرونا"), MARKS))
