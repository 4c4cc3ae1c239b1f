"""Every corpus in ../shared/corpora gives the articles it holds, also gzipped, zipped and tarred.

Counted as the index counts them: one article per id (the record's own id,
else its URL, else its file and record), so a link a dump holds twice is one
article. Skips when ../shared is not there.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from khabar.indexer.article import Article, NotAnArticle, UnreadableArticle
from khabar.indexer.readers import iter_file
from khabar.indexer.walk import article_files

SHARED = Path(__file__).parent.parent.parent / "shared" / "corpora"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not there")

# corpus -> (articles it holds, what is ignored beside them)
HOLDS = {
    "farsnews-2023": (243, {"notes": 1}),
    "farsnews-varzesh3": (3933, {"notes": 1, ".md": 2}),  # 4,000 records, 67 links twice
    "rss-feeds": (30, {"notes": 2}),
    "rss-hamshahri-radiofarda": (2439, {"notes": 1, ".md": 1}),  # 2,487 items, 48 links twice
    "format-samples": (13, {"notes": 2}),  # Hamshahri2 1, TNews 1, MirasText 10, Persica 1
    "hamshahri2-subset": (5375, {"notes": 1, ".q": 50, ".trec": 1, ".txt": 1, ".tsv": 1}),
    "ir-news": (4840, {"notes": 2, ".md": 1}),  # 4,965 files, 125 URLs twice
}


def count(paths: list[Path]) -> tuple[int, Counter[str], list[str]]:
    ids: set[str] = set()
    ignored: Counter[str] = Counter()
    unreadable: list[str] = []
    for path, problem in article_files(paths, on_ignored=lambda _, kind: ignored.update([kind])):
        assert problem is None, (path, problem)
        try:
            for key, value in iter_file(path):
                if isinstance(value, Article):
                    ids.add(value.id or value.url or str(path) + key)
        except NotAnArticle as error:
            ignored[error.kind] += 1
        except UnreadableArticle as error:
            unreadable.append(f"{path}: {error}")
    return len(ids), ignored, unreadable


@pytest.mark.parametrize("corpus", sorted(HOLDS))
def test_each_corpus_gives_the_articles_it_holds(corpus):
    articles, ignored = HOLDS[corpus]
    found, found_ignored, unreadable = count([SHARED / corpus])
    assert unreadable == []
    assert found == articles
    assert dict(found_ignored) == ignored


SMALL = ["farsnews-2023", "rss-feeds", "rss-hamshahri-radiofarda", "format-samples"]


def _pack(corpus: str, tmp_path: Path, how: str) -> Path:
    source = SHARED / corpus
    files = [p for p in sorted(source.rglob("*")) if p.is_file()]
    if how == "gz":
        out = tmp_path / corpus
        for path in files:
            target = out / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.with_name(target.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), compresslevel=1))
        return out
    if how == "zip":
        out = tmp_path / f"{corpus}.zip"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:
            for path in files:
                bundle.write(path, f"{corpus}/{path.relative_to(source)}")
        return out
    out = tmp_path / f"{corpus}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=1) as bundle:
        bundle.add(source, arcname=corpus)
    return out


@pytest.mark.parametrize("how", ["gz", "zip", "tar.gz"])
@pytest.mark.parametrize("corpus", SMALL)
def test_the_corpora_gzipped_zipped_and_tarred_give_the_same_articles(tmp_path, corpus, how):
    found, _, unreadable = count([_pack(corpus, tmp_path, how)])
    assert unreadable == []
    assert found == HOLDS[corpus][0]


def test_the_largest_dump_zipped(tmp_path):
    found, _, unreadable = count([_pack("farsnews-varzesh3", tmp_path, "zip")])
    assert (found, unreadable) == (3933, [])


def test_indexed_and_found_by_their_own_titles(tmp_path):
    from khabar import cli

    news = tmp_path / "news"
    for corpus in ("farsnews-2023", "rss-feeds", "format-samples"):
        shutil.copytree(SHARED / corpus, news / corpus)
    index = tmp_path / "ix"
    run = CliRunner().invoke(cli.main, ["index", "-q", "--index", str(index), str(news)])
    assert run.exit_code == 0, run.output
    stats = json.loads(CliRunner().invoke(cli.main, ["stats", "--index", str(index), "--json"]).stdout)
    assert stats["articles"] == 243 + 30 + 13
    titles = {
        "farsnews-2023": "کشتی‌گیران آزاد و فرنگی ایران در مسابقات جهانی بلگراد مشخص شدند",
        "rss-feeds": "آسفالت محور گردشگری گریت- سرکانه به مراحل پایانی رسید",
        # Hamshahri2's text stays in ../shared: its title is read from the sample.
        "hamshahri2": " ".join(re.search(
            r"<TITLE[^>]*>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</TITLE>",
            (SHARED / "format-samples" / "corpora" / "hamshahri" / "1996" / "ham2_960623.xml").read_text(encoding="utf-8"),
            re.S).group(1).split()),
        "tnews": "برگزاری جشن نمادین شکوفه ها به یاد ۱۰هزار دانش آموز جانباخته زلزله بم",
        "mirastext": "شطرنج قالیباف در اردوگاه اصولگرایان",
    }
    for corpus, title in titles.items():
        # As a phrase: unquoted, "گریت- سرکانه" finds nothing (the query parser's, not a reader's, doing).
        found = CliRunner().invoke(cli.main, ["search", "--index", str(index), "--json", "--limit", "3", f'"{title}"'])
        results = json.loads(found.stdout)["results"]
        assert results and results[0]["title"] == title, (corpus, [r["title"] for r in results])
