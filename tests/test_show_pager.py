"""``khabar show`` on a terminal pages an article taller than the screen through click's pager,
passing it on chunk by chunk; a short article, a pipe and the machine formats are written as before."""

from __future__ import annotations

import json

import click
import pytest

from conftest import write_articles
from khabar import cli
from khabar.indexer.update import update_index
from khabar.search.render.views import BODY_CHUNK_CHARS
from render_checks import run

QUERY = "تعاونی دانش بنیان"


class Pager:
    """Stands in for click.echo_via_pager: keeps what it is given, and writes it as the pager would."""

    def __init__(self) -> None:
        self.chunks: list[str] | None = None

    def __call__(self, text, color=None) -> None:
        assert not isinstance(text, str)  # a stream of chunks, not the article copied whole
        self.chunks = list(text)
        click.echo("".join(self.chunks), color=color)


@pytest.fixture
def pager(monkeypatch) -> Pager:
    monkeypatch.setattr(click, "echo_via_pager", Pager())
    return click.echo_via_pager


def on_a_terminal(monkeypatch) -> None:
    monkeypatch.setattr(cli, "stdout_is_terminal", lambda: True)


def first_hit(index_dir) -> str:
    return json.loads(run(index_dir, "search", QUERY, "--json").stdout)["results"][0]["id"]


def test_a_long_article_is_paged_on_a_terminal(bundled_index, pager, monkeypatch):
    article_id = first_hit(bundled_index)
    piped = run(bundled_index, "show", article_id, width=60, lines=24)
    assert pager.chunks is None and len(piped.stdout.splitlines()) > 24  # a pipe is never paged
    on_a_terminal(monkeypatch)
    paged = run(bundled_index, "show", article_id, "--color", "never", width=60, lines=24)
    assert paged.exit_code == 0 and pager.chunks is not None
    assert paged.stdout == piped.stdout  # the same text, through the pager


def test_an_article_that_fits_the_screen_is_not_paged(bundled_index, pager, monkeypatch):
    article_id = first_hit(bundled_index)
    on_a_terminal(monkeypatch)
    result = run(bundled_index, "show", article_id, width=100, lines=500)
    title = json.loads(run(bundled_index, "show", article_id, "--json").stdout)["title"]
    assert result.exit_code == 0 and pager.chunks is None and title in result.stdout


def test_machine_formats_are_not_paged(bundled_index, pager, monkeypatch):
    on_a_terminal(monkeypatch)
    result = run(bundled_index, "show", first_hit(bundled_index), "--json", width=60, lines=24)
    assert result.exit_code == 0 and pager.chunks is None and json.loads(result.stdout)["body"]


def test_a_huge_article_reaches_the_pager_in_bounded_chunks(bundled_index, tmp_path, pager, monkeypatch):
    on_a_terminal(monkeypatch)
    article = json.loads(run(bundled_index, "show", first_hit(bundled_index), "--json").stdout)
    paragraphs = [paragraph for paragraph in article["body"].split("\n") if paragraph.strip()]
    huge = {"id": "huge", "title": article["title"], "body": "\n".join(paragraphs * 400)}  # ~1 MB of real text
    write_articles(tmp_path / "news" / "huge.jsonl", [huge])
    update_index(tmp_path / "ix", [tmp_path / "news"])
    result = run(tmp_path / "ix", "show", "huge", width=80, lines=24)
    assert result.exit_code == 0 and pager.chunks is not None
    assert len(pager.chunks) > 10 and max(map(len, pager.chunks)) <= BODY_CHUNK_CHARS * 1.1
    assert result.stdout.count(paragraphs[-1].split()[-1]) >= 400
