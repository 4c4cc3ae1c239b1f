"""bench/evaluate.py on a tiny synthetic collection in the .ham shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.evaluate import (
    build_index, convert, format_table, jalali_date_of, load_topics, read_ham, read_qrels, run, score, write_run,
)

ir_measures = pytest.importorskip("ir_measures")

DOCS = {
    # A headline wrapped over two short lines, then the paragraphs.
    "2005/HAM2-840105-9001.ham": "بازسازي شهر زلزله زده\nبم آغاز شد\n"
    + "عمليات بازسازي شهر بم پس از زلزله با حضور مسئولان آغاز شد و خانه هاي زلزله زده بازسازي مي شوند. " * 3 + "\n",
    "2005/HAM2-840105-9002.ham": "نمايشگاه كتاب تهران\n"
    + "يازدهمين نمايشگاه بين المللي كتاب تهران با حضور ناشران داخلي و خارجي گشايش يافت و كتاب ها عرضه شد. " * 3 + "\n",
    "2006/HAM2-850212-9003.ham": "قيمت نفت\n"
    + "قيمت نفت در بازارهاي جهاني امروز افزايش يافت و بازار نفت به ثبات نرسيد و قيمت ها بالا رفت. " * 3 + "\n",
    "2006/HAM2-850212-9004.ham": "فوتبال\n"
    + "تيم ملي فوتبال ايران در بازي ديروز پيروز شد و هواداران فوتبال شادي كردند و بازيكنان تشويق شدند. " * 3 + "\n",
}


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    root = tmp_path / "hamshahri"
    for name, text in DOCS.items():
        path = root / "HamshahriData" / "HamshahriCorpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    derived = root / "derived"
    derived.mkdir()
    (derived / "topics.tsv").write_text("1\tبازسازي شهر بم\n2\tنمايشگاه كتاب\n", encoding="utf-8")
    # Query 2 also has a relevant document it cannot find (no shared word).
    (derived / "qrels.trec").write_text(
        "1 0 HAM2-840105-9001 1\n2 0 HAM2-840105-9002 1\n2 0 HAM2-850212-9004 1\n", encoding="utf-8"
    )
    return root


def test_jalali_date_from_id():
    assert jalali_date_of("HAM2-830617-9013") == "1383/06/17"
    assert jalali_date_of("other-id") == ""


def test_read_ham_joins_a_wrapped_headline(collection: Path):
    doc = read_ham(collection / "HamshahriData" / "HamshahriCorpus" / "2005" / "HAM2-840105-9001.ham")
    assert doc.id == "HAM2-840105-9001"
    assert doc.title == "بازسازي شهر زلزله زده بم آغاز شد"
    assert doc.body.startswith("عمليات بازسازي")
    assert "آغاز شد\n" not in doc.body.split(".")[0]
    assert doc.date == "1384/01/05"


def test_convert_writes_jsonl_records(collection: Path, tmp_path: Path):
    out = tmp_path / "jsonl"
    assert convert(collection, out, shard_docs=3) == 4
    files = sorted(out.glob("*.jsonl"))
    assert len(files) == 2
    records = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in records}
    assert set(by_id) == {Path(n).stem for n in DOCS}
    assert by_id["HAM2-850212-9003"]["title"] == "قيمت نفت"
    assert by_id["HAM2-850212-9003"]["date"] == "1385/02/12"
    assert by_id["HAM2-850212-9003"]["body"].startswith("قيمت نفت در بازارهاي")


def test_score_known_values():
    qrels = {"1": {"a": 1, "b": 1}, "2": {"c": 1}}
    # q1: relevant at ranks 1 and 3 → AP = (1/1 + 2/3) / 2; q2: nothing returned → 0.
    results = {"1": [("a", 9.0), ("x", 8.0), ("b", 7.0)]}
    means, per_query = score(qrels, results)
    assert per_query["1"]["AP"] == pytest.approx((1 + 2 / 3) / 2)
    assert per_query["1"]["P@10"] == pytest.approx(0.2)
    assert per_query["1"]["R@100"] == pytest.approx(1.0)
    assert per_query["2"]["AP"] == 0.0
    assert means["AP"] == pytest.approx((1 + 2 / 3) / 4)
    assert "MAP" in format_table(means, per_query)


def test_end_to_end_run_and_score(collection: Path, tmp_path: Path):
    convert(collection, tmp_path / "jsonl")
    index_dir = tmp_path / "index"
    assert build_index(tmp_path / "jsonl", index_dir) == []
    topics = load_topics(collection / "derived" / "topics.tsv")
    results = run(index_dir, topics, limit=1000)
    assert results["1"][0][0] == "HAM2-840105-9001"
    assert results["2"][0][0] == "HAM2-840105-9002"
    assert "HAM2-850212-9004" not in {doc for doc, _ in results["2"]}

    run_file = tmp_path / "run.trec"
    write_run(results, run_file)
    first = run_file.read_text(encoding="utf-8").splitlines()[0].split()
    assert first[:4] == ["1", "Q0", "HAM2-840105-9001", "1"]

    means, per_query = score(read_qrels(collection / "derived" / "qrels.trec"), results)
    assert per_query["1"]["AP"] == pytest.approx(1.0)
    assert per_query["2"]["AP"] == pytest.approx(0.5)  # one of two relevant docs, at rank 1
    assert per_query["2"]["R@100"] == pytest.approx(0.5)
    assert means["AP"] == pytest.approx(0.75)


def test_the_shipped_ranking_reaches_the_bar_on_hamshahri(tmp_path):
    """Issue 3's bar, through the code path of ``khabar search``: MAP >= 0.86, nDCG@10 >= 0.92.

    Measured 0.8715 / 0.9308 with feedback and 0.8517 / 0.9236 without
    (docs/ranking.md); ~30 s, most of it indexing.
    """
    from bench.evaluate import evaluate

    from conftest import shared_corpus

    means, _, _, _ = evaluate(shared_corpus("hamshahri2-subset"), tmp_path / "ix")
    assert means["AP"] >= 0.86
    assert means["nDCG@10"] >= 0.92


# --------------------------------------------------------------------------- the news judged set (issue 15)

from bench.evaluate import (  # noqa: E402
    NEWS_FOLDERS, NEWS_SET, evaluate_news, load_news_queries, load_news_qrels, main, news_files, stable_id,
)


def test_the_news_set_is_well_formed():
    """At least 30 queries, each with a need and valid dates, judged 0/1/2, with a relevant
    article each; every pooled article judged (RULES.md: unpooled ones count as 0)."""
    import csv

    from khabar.search.query.dates import jalali_range

    queries = load_news_queries()
    qrels = load_news_qrels()
    assert len(queries) >= 30
    assert set(qrels) == set(queries)
    for qid, query in queries.items():
        assert query.text.strip() and query.kind.strip() and len(query.need) > 20, qid
        jalali_range(query.date_from, query.date_to)  # raises on a date --from/--to would refuse
        assert set(qrels[qid].values()) <= {0, 1, 2}, qid
        assert max(qrels[qid].values()) >= 1, f"{qid} has no relevant article"
    with (NEWS_SET / "pool.tsv").open(encoding="utf-8", newline="") as file:
        pooled = [(row["query"], row["article"]) for row in csv.DictReader(file, delimiter="\t")]
    assert pooled
    assert [pair for pair in pooled if pair[1] not in qrels[pair[0]]] == []
    rules = (NEWS_SET / "RULES.md").read_text(encoding="utf-8")
    assert all(word in rules for word in ("**2**", "**1**", "**0**", "**20**", "not judged"))  # the rules are written down


def test_stable_ids_do_not_depend_on_where_the_corpora_are():
    assert stable_id("https://www.farsnews.ir/news/8803230105") == "https://www.farsnews.ir/news/8803230105"
    assert stable_id("/a/b/../shared/corpora/farsnews-2023/farsnews.csv#29") == "farsnews-2023/farsnews.csv#29"
    assert stable_id("/elsewhere/farsnews-2023/farsnews.csv#29") == "farsnews-2023/farsnews.csv#29"


def test_every_judged_article_is_in_the_news_corpora():
    """Read (not indexed) as ``khabar index`` reads them: an article's id is its own, its URL or where it was read."""
    from khabar.indexer.article import Article, UnreadableArticle
    from khabar.indexer.readers import iter_file

    from conftest import shared_corpus

    corpora = shared_corpus("ir-news").parent
    ids: set[str] = set()
    for path in news_files(corpora):
        try:
            items = list(iter_file(path))
        except UnreadableArticle:  # README, LICENSE, SOURCE.txt beside the articles
            continue
        ids.update(stable_id(item.id or item.url or f"{path}{key}") for key, item in items if isinstance(item, Article))
    judged = {doc for docs in load_news_qrels().values() for doc in docs}
    assert sorted(judged - ids) == []


@pytest.fixture
def news_corpora(tmp_path: Path) -> Path:
    """The three news folders, with real article text from tests/fixtures in each one's shape."""
    import shutil

    from conftest import FIXTURES

    root = tmp_path / "corpora"
    files = {"ir-news": ["text/tabnak_data_1347.txt", "text/tabnak_data_1399.txt", "text/mashregh_1.txt"],
             "farsnews-varzesh3": ["json/fars-news.json", "json/varzesh3.json"],
             "farsnews-2023": ["csv/farsnews-shape.csv"]}
    assert set(files) == set(NEWS_FOLDERS)
    for folder, names in files.items():
        (root / folder).mkdir(parents=True)
        for name in names:
            shutil.copy(FIXTURES / name, root / folder / Path(name).name)
    return root


def _articles(corpora: Path) -> list[tuple[str, str]]:
    """``(stable id, title)`` of the articles in ``corpora``."""
    from khabar.indexer.article import Article
    from khabar.indexer.readers import iter_file

    return [(stable_id(item.id or item.url or f"{path}{key}"), item.title)
            for path in news_files(corpora) for key, item in iter_file(path) if isinstance(item, Article)]


def test_evaluate_news_runs_a_judged_set_over_the_news_folders(news_corpora: Path, tmp_path: Path):
    articles = dict(_articles(news_corpora))
    from_csv = next(doc for doc in articles if doc.startswith("farsnews-2023/"))
    from_json = next(doc for doc in articles if doc.startswith("https://www.farsnews.ir/"))
    judged = tmp_path / "judged"
    judged.mkdir()
    (judged / "queries.tsv").write_text(
        "id\tquery\tfrom\tto\tkind\tneed\n"
        f"a\t{articles[from_csv]}\t\t\ttitle\tthe CSV record's own story\n"
        f"b\t{articles[from_json]}\t\t\ttitle\tthe FarsNews record's own story\n"
        "c\tقیمت سکه\t1300/01/01\t1300/12/29\tdate filter\tnothing in these folders is that old\n",
        encoding="utf-8")
    (judged / "qrels.tsv").write_text(
        f"query\tarticle\tgrade\na\t{from_csv}\t2\nb\t{from_json}\t2\nc\t{from_csv}\t1\n", encoding="utf-8")
    run_file = tmp_path / "news.trec"

    means, per_query, timings, topics = evaluate_news(news_corpora, tmp_path / "ix", run_file, judged=judged)

    assert set(per_query) == {"a", "b", "c"} and set(timings) == {"a", "b", "c"}
    assert per_query["a"]["R@100"] == 1.0 and per_query["b"]["R@100"] == 1.0
    assert per_query["c"]["AP"] == 0.0  # the date filter leaves nothing
    assert means["AP"] == pytest.approx((per_query["a"]["AP"] + per_query["b"]["AP"]) / 3)
    ranked = run_file.read_text(encoding="utf-8")
    assert from_csv in ranked and str(news_corpora) not in ranked  # ids as the judgments name them
    assert topics["a"] == articles[from_csv]


def test_the_evaluate_command_runs_the_news_set_and_reuses_its_index(news_corpora: Path, tmp_path: Path, capsys):
    index = tmp_path / "news-index"
    assert main(["--news", str(news_corpora), "--news-index", str(index)]) == 0
    out, err = capsys.readouterr()
    assert f"news set ({len(load_news_qrels())} judged queries" in out
    assert out.splitlines()[-1].startswith("all")
    assert "indexed the news corpora" in err
    assert main(["--news", str(news_corpora), "--news-index", str(index)]) == 0
    assert "reusing the news index" in capsys.readouterr().err


def test_the_evaluate_command_refuses_a_folder_without_the_news_corpora(tmp_path: Path):
    with pytest.raises(SystemExit):
        main(["--news", str(tmp_path)])
    with pytest.raises(SystemExit):
        main(["--no-news"])
