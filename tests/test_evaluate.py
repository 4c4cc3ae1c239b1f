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
