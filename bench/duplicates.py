"""Precision and recall of duplicate detection on the labelled pairs, at several thresholds.

    .venv/bin/khabar index --index /tmp/dups ../shared/corpora/ir-news/Dataset ../shared/corpora/farsnews-varzesh3
    .venv/bin/python bench/duplicates.py --index /tmp/dups

Each labelled pair (``tests/fixtures/duplicates/pairs.tsv``: ``same`` or
``different``) is judged the way a search judges its matches: both articles'
signatures must be LSH candidates among all the articles of the index (as
for a query that matched them all), then :func:`indexer.duplicates.same_story`
decides on their text. The threshold is varied by setting
``duplicates.THRESHOLD``; every threshold also reports how many pairs of the
whole index would be merged, and lists near-misses that were.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT.parent))

from khabar.indexer import duplicates  # noqa: E402
from khabar.indexer.schema import BODY, SIGNATURE, TITLE  # noqa: E402

PAIRS = ROOT / "tests" / "fixtures" / "duplicates" / "pairs.tsv"
THRESHOLDS = (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    args = parser.parse_args()
    from whoosh.index import open_dir

    labelled = [line.split("\t") for line in args.pairs.read_text(encoding="utf-8").splitlines()[1:] if line]
    with open_dir(str(args.index)).searcher() as searcher:
        reader = searcher.reader()
        docnums = list(reader.all_doc_ids())
        sigs = duplicates.signatures(b"".join(reader.column_reader(SIGNATURE)[d] for d in docnums), len(docnums))
        candidates = duplicates.candidate_pairs(sigs)
        docnum_of = {searcher.stored_fields(d)["id"]: d for d in docnums}
        text = {}

        def story(docnum: int) -> tuple[str, str]:
            if docnum not in text:
                stored = searcher.stored_fields(docnum)
                text[docnum] = (stored.get(TITLE, ""), stored.get(BODY, ""))
            return text[docnum]

        candidate_set = {(docnums[i], docnums[j]) for i, j, _ in candidates}
        missing = [pair for pair in labelled if pair[0] not in docnum_of or pair[1] not in docnum_of]
        if missing:
            sys.exit(f"not in the index: {missing[0][:2]} (and {len(missing) - 1} more pairs)")
        print(f"{len(docnums)} articles, {len(candidates)} candidate pairs; {len(labelled)} labelled pairs "
              f"({Counter(label for _, _, label, _ in labelled)})")
        print("threshold  precision  recall  merged-different  pairs-merged-in-index")
        original = duplicates.THRESHOLD
        for threshold in THRESHOLDS:
            duplicates.THRESHOLD = threshold
            verdicts = Counter()
            merged_different = []
            for id_a, id_b, label, kind in labelled:
                a, b = sorted((docnum_of[id_a], docnum_of[id_b]))
                judged = (a, b) in candidate_set and duplicates.same_story(story(a), story(b))
                verdicts[(label, judged)] += 1
                if judged and label == "different":
                    merged_different.append(kind)
            merged = sum(1 for a, b in candidate_set if duplicates.same_story(story(a), story(b)))
            tp, fp, fn = verdicts[("same", True)], verdicts[("different", True)], verdicts[("same", False)]
            precision = tp / (tp + fp) if tp + fp else 1.0
            print(f"{threshold:9.2f}  {precision:9.3f}  {tp / (tp + fn):6.3f}  "
                  f"{fp:3d} {','.join(merged_different) or '-':20s}  {merged}")
        duplicates.THRESHOLD = original
        missed = Counter()
        not_candidates = 0
        for id_a, id_b, label, kind in labelled:
            a, b = sorted((docnum_of[id_a], docnum_of[id_b]))
            if label == "same" and not ((a, b) in candidate_set and duplicates.same_story(story(a), story(b))):
                missed[kind] += 1
                why = "same_story says no" if (a, b) in candidate_set else "not an LSH candidate"
                not_candidates += (a, b) not in candidate_set
                print(f"  missed ({kind}, {why}): {id_a[:70]}")
        print(f"at THRESHOLD={original}: same pairs missed by kind {dict(missed) or 'none'}; "
              f"not even LSH candidates: {not_candidates}")


if __name__ == "__main__":
    main()
