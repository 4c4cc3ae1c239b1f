"""``khabar show`` finds an article by the forms people give (issue 12): a URL as a browser
copies it, and a path relative to where they stand."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from conftest import shared_corpus, write_articles
from khabar import cli

# A real article of the bundled corpus (corpus/ir-news/asriran_1_data_1095.txt); its id is
# its URL, as for every IR-News article.
NISSAN_URL = ("https://www.asriran.com/fa/news/731511/"
              "8-پیشرانه-برتر-نیسان-از-مهندسی-ژاپنی-تا-انتخابی-برتر-برای-حرفه-ای-ها-تصاویر")
# The same news number under an edited slug: ir-news holds both (asriran_1_data_1106.txt).
NISSAN_OTHER_SLUG = ("https://www.asriran.com/fa/news/731511/"
                     "8-پیشرانه-برتر-نیسان-از-مهندسی-ژاپنی-تا-انتخابی-برای-حرفه-ای-ها-تصاویر")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def shown(runner, index_dir, given: str):
    return runner.invoke(cli.main, ["show", "--index", str(index_dir), "--json", given])


def shown_id(runner, index_dir, given: str) -> str:
    result = shown(runner, index_dir, given)
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)["id"]


@pytest.mark.parametrize("form", [
    pytest.param(lambda url: url, id="as-stored"),
    pytest.param(lambda url: quote(url, safe=":/"), id="percent-encoded"),
    pytest.param(lambda url: url.replace("https://", "http://"), id="http"),
    pytest.param(lambda url: url.replace("www.", ""), id="without-www"),
    pytest.param(lambda url: url.replace("https://", ""), id="without-scheme"),
    pytest.param(lambda url: url.replace("https://www.", ""), id="bare-host"),
    pytest.param(lambda url: url + "/", id="trailing-slash"),
    pytest.param(lambda url: url.rsplit("/", 1)[0], id="without-slug"),
    pytest.param(lambda url: url.rsplit("/", 1)[0] + "/", id="without-slug-trailing-slash"),
    pytest.param(lambda url: quote(url.replace("https://www.", "http://"), safe=":/") + "#comments", id="all-of-them"),
    pytest.param(lambda url: f"  {url}\n", id="spaces"),
])
def test_a_url_in_the_forms_a_browser_gives_finds_the_article(runner, bundled_index, form):
    assert shown_id(runner, bundled_index, form(NISSAN_URL)) == NISSAN_URL


@pytest.mark.parametrize("given", ["https://www.asriran.com/fa/news/1",
                                   "https://www.asriran.com/fa/news/731512/8-پیشرانه",
                                   "https://example.com/fa/news/731511"])
def test_another_news_number_or_site_is_not_found(runner, bundled_index, given):
    result = shown(runner, bundled_index, given)
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "no article with id" in result.stderr


@pytest.fixture
def two_slugs_index(runner, tmp_path):
    """The two ir-news files of news 731511, under two slugs."""
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("asriran_1_data_1095.txt", "asriran_1_data_1106.txt"):
        shutil.copy(shared_corpus(f"ir-news/Dataset/{name}"), folder / name)
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir), "-q", str(folder)])
    assert result.exit_code == 0, result.output
    return index_dir


def test_a_url_two_articles_share_is_not_picked_silently(runner, two_slugs_index):
    for given in ("https://www.asriran.com/fa/news/731511", "http://asriran.com/fa/news/731511/"):
        result = shown(runner, two_slugs_index, given)
        assert result.exit_code == 2 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1
        assert "matches 2 articles" in result.stderr
        assert NISSAN_URL in result.stderr and NISSAN_OTHER_SLUG in result.stderr


@pytest.mark.parametrize("url", [NISSAN_URL, NISSAN_OTHER_SLUG])
def test_the_exact_url_of_one_of_them_shows_that_one(runner, two_slugs_index, url):
    assert shown_id(runner, two_slugs_index, url) == url
    assert shown_id(runner, two_slugs_index, quote(url.replace("https://www.", "http://"), safe=":/")) == url


@pytest.fixture
def path_index(runner, bundled_index, tmp_path):
    """Real articles without URL or id: their ids are the path they were read from."""
    hits = json.loads(runner.invoke(cli.main, ["search", "--index", str(bundled_index), "--json", "کرونا"]).stdout)
    articles = [{"title": hit["title"], "body": hit["snippet"]} for hit in hits["results"][:2]]
    write_articles(tmp_path / "news" / "saved.jsonl", articles)
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir), "-q", str(tmp_path / "news")])
    assert result.exit_code == 0, result.output
    return index_dir


def test_an_id_that_is_a_path_can_be_given_relative_to_the_current_folder(runner, path_index, tmp_path,
                                                                            monkeypatch):
    found = json.loads(runner.invoke(cli.main, ["search", "--index", str(path_index), "--json", "کرونا"]).stdout)
    ids = [hit["id"] for hit in found["results"]]
    assert ids and all(article_id.startswith(str(tmp_path)) for article_id in ids)
    article_id = ids[0]
    relative = article_id[len(str(tmp_path)) + 1:]
    assert relative.startswith("news/saved.jsonl")
    monkeypatch.chdir(tmp_path)
    assert shown_id(runner, path_index, relative) == article_id
    assert shown_id(runner, path_index, f"./news/../{relative}") == article_id
    monkeypatch.chdir(tmp_path / "news")
    assert shown_id(runner, path_index, relative.removeprefix("news/")) == article_id
    result = shown(runner, path_index, "saved.jsonl#999")
    assert result.exit_code == 1 and "no article with id" in result.stderr


@pytest.fixture
def unnormalised_index(runner, bundled_index, tmp_path):
    """Indexed through ``news/sub/..``: the ids keep the path as it was reached."""
    hits = json.loads(runner.invoke(cli.main, ["search", "--index", str(bundled_index), "--json", "سهام"]).stdout)
    articles = [{"title": hit["title"], "body": hit["snippet"]} for hit in hits["results"][:3]]
    write_articles(tmp_path / "news" / "many.jsonl", articles)
    write_articles(tmp_path / "news" / "one.jsonl", articles[:1])
    (tmp_path / "news" / "sub").mkdir()
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir), "-q", str(tmp_path / "news" / "sub" / "..")])
    assert result.exit_code == 0, result.output
    return index_dir


def test_a_folder_named_with_dots_is_kept_normalised_and_found_either_way(runner, unnormalised_index, tmp_path,
                                                                         monkeypatch):
    found = json.loads(runner.invoke(cli.main, ["search", "--index", str(unnormalised_index), "--json",
                                                "--all", "سهام"]).stdout)
    stored = sorted(hit["id"] for hit in found["results"] if "many.jsonl" in hit["id"])
    # The indexer normalises a folder as it is named: no «/sub/../» in the ids.
    assert stored and not any("/../" in article_id for article_id in stored)
    monkeypatch.chdir(tmp_path)
    for article_id in stored:
        record = article_id.rsplit("/", 1)[1]
        assert shown_id(runner, unnormalised_index, "news/" + record) == article_id
        assert shown_id(runner, unnormalised_index, "news/sub/../" + record) == article_id


def test_a_file_named_without_its_record(runner, unnormalised_index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path / "news")
    assert shown_id(runner, unnormalised_index, "one.jsonl").endswith("one.jsonl#L1")
    result = shown(runner, unnormalised_index, "many.jsonl")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "many.jsonl holds 3 articles" in result.stderr and "many.jsonl#L2" in result.stderr


@pytest.fixture
def own_id_index(runner, bundled_index, tmp_path):
    """Real article text in a JSON record with its own id and a URL (as agency dumps have them)."""
    hit = json.loads(runner.invoke(cli.main, ["search", "--index", str(bundled_index), "--json", "کرونا"]).stdout)
    first = hit["results"][0]
    write_articles(tmp_path / "news" / "dump.jsonl", [
        {"id": "dump-1", "url": NISSAN_URL, "title": first["title"], "body": first["snippet"]}])
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir), "-q", str(tmp_path / "news")])
    assert result.exit_code == 0, result.output
    return index_dir


@pytest.mark.parametrize("form", [
    pytest.param(lambda url: url, id="as-stored"),
    pytest.param(lambda url: quote(url.replace("https://www.", "http://"), safe=":/"), id="copied"),
    pytest.param(lambda url: url.rsplit("/", 1)[0], id="without-slug"),
])
def test_an_article_with_its_own_id_is_found_by_its_url(runner, own_id_index, form):
    # Its id is not its URL: the URL is found through the address the index keeps of it.
    assert shown_id(runner, own_id_index, form(NISSAN_URL)) == "dump-1"
