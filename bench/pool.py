"""The judging pool of the news set (bench/judged/news, issue 15).

    python bench/pool.py --index /tmp/judged-index [--depth 20] > bench/judged/news/pool.tsv

For every query of ``queries.tsv`` (with its dates), the union of the top
``depth`` articles of four rankings over the same index:

- ``default``: :func:`search.engine.search` as ``khabar search`` ranks;
- ``no-expand``: the same without blind relevance feedback;
- ``bm25``: Whoosh's own BM25F over the same parsed query (no proximity, no feedback);
- ``bm25-title``: BM25F over the titles alone (the same words, any of them), so that
  short items whose headline names the need get judged however little body they have;
- ``variant``: where ``variants.tsv`` gives the query another wording (the name's other
  spelling, the ZWNJ form, the other digits; written by the judge before judging), the
  default ranking of that wording, so that articles the typed query cannot reach get judged.

Writes ``query, article, rankings`` (tab-separated, with a header); the article
ids are :func:`bench.evaluate.stable_id`'s, as the judgments name them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(_ROOT))

from bench.evaluate import NEWS_SET, SEARCH_OPTIONS, NewsQuery, load_news_queries, stable_id  # noqa: E402
from khabar.indexer.schema import TITLE  # noqa: E402

Ranking = Callable[[NewsQuery, int], list[str]]


def engine_ranking(index_dir: Path, expand: bool) -> Ranking:
    from khabar.search import engine

    def ranking(query: NewsQuery, depth: int) -> list[str]:
        found = engine.search(index_dir, query.text, limit=depth, expand=expand,
                              date_from=query.date_from, date_to=query.date_to, **SEARCH_OPTIONS)
        return [hit.id for hit in found.hits]

    return ranking


def bm25_ranking(index_dir: Path, field: str | None = None) -> Ranking:
    """Whoosh's BM25F over the parsed query, or over its words in ``field`` alone."""
    from whoosh import scoring
    from whoosh.index import open_dir
    from whoosh.query import Or, Term

    from khabar.search.query.dates import jalali_range, within
    from khabar.search.query.parse import parse_query

    index = open_dir(str(index_dir))

    def ranking(query: NewsQuery, depth: int) -> list[str]:
        with index.searcher(weighting=scoring.BM25F()) as searcher:
            asked = parse_query(query.text, searcher.schema)
            if field is not None:  # khabar's parser already joins plain words with OR
                asked = Or([Term(field, word) for _field, word in asked.iter_all_terms()])
            day_range = jalali_range(query.date_from, query.date_to)
            results = searcher.search(within(asked, day_range), limit=depth)
            return [hit["id"] for hit in results]

    return ranking


def variant_ranking(index_dir: Path, variants: dict[str, str]) -> Ranking:
    default = engine_ranking(index_dir, expand=True)

    def ranking(query: NewsQuery, depth: int) -> list[str]:
        if query.id not in variants:
            return []
        return default(replace(query, text=variants[query.id]), depth)

    return ranking


def load_variants(path: Path) -> dict[str, str]:
    """``variants.tsv``: a header, then ``id, query`` (another wording of that query)."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:] if path.is_file() else []
    return dict(line.split("\t", 1) for line in lines if line.strip())


def pool(index_dir: Path, queries: dict[str, NewsQuery], depth: int,
         variants: dict[str, str] | None = None) -> list[tuple[str, str, list[str]]]:
    rankings: dict[str, Ranking] = {
        "default": engine_ranking(index_dir, expand=True),
        "no-expand": engine_ranking(index_dir, expand=False),
        "bm25": bm25_ranking(index_dir),
        "bm25-title": bm25_ranking(index_dir, field=TITLE),
        "variant": variant_ranking(index_dir, variants or {}),
    }
    rows: list[tuple[str, str, list[str]]] = []
    for qid, query in queries.items():
        found_by: dict[str, list[str]] = {}
        for name, ranking in rankings.items():
            for doc_id in ranking(query, depth):
                found_by.setdefault(stable_id(doc_id), []).append(name)
        rows.extend((qid, doc_id, names) for doc_id, names in found_by.items())
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="an index of the news corpora")
    parser.add_argument("--depth", type=int, default=20, help="articles taken from each ranking")
    parser.add_argument("--queries", type=Path, default=NEWS_SET / "queries.tsv")
    parser.add_argument("--variants", type=Path, default=NEWS_SET / "variants.tsv")
    args = parser.parse_args(argv)
    print("query\tarticle\trankings")
    pooled = pool(args.index, load_news_queries(args.queries), args.depth, load_variants(args.variants))
    for qid, doc_id, names in pooled:
        print(f"{qid}\t{doc_id}\t{','.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
