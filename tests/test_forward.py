"""The forward index: each article's terms and counts, kept in a column (indexer/forward.py)."""

from __future__ import annotations

import shutil
from collections import Counter

from khabar.indexer.forward import Needles, decode, encode, term_counts
from khabar.indexer.persian.analyzer import PersianAnalyzer
from khabar.indexer.schema import ALL, BODY, TITLE
from khabar.indexer.update import update_index
from khabar.search.scoring.feedback import article_terms, forward_value
from khabar.search.searchers import shared_searcher

from conftest import REPO


def _analysed_again(searcher, docnum: int) -> Counter:
    """What feedback computed before the forward index: the stored title and body analysed again."""
    stored = searcher.stored_fields(docnum)
    positions = PersianAnalyzer().term_positions(f"{stored.get(TITLE, '')}\n{stored.get(BODY, '')}")
    return Counter({term: len(where) for term, where in positions.items()})


def _every_article_matches(searcher) -> int:
    live = list(searcher.reader().all_doc_ids())
    for docnum in live:
        assert article_terms(searcher, docnum) == _analysed_again(searcher, docnum), searcher.stored_fields(docnum)["id"]
    return len(live)


def test_forward_terms_are_the_stored_text_analysed_again(bundled_index):
    searcher = shared_searcher(bundled_index)
    assert _every_article_matches(searcher) == 301
    # Keywords are in the combined field and left out of feedback's counts: some articles have them.
    assert any(decode(forward_value(searcher, docnum))[1] for docnum in range(searcher.doc_count_all()))


def test_forward_counts_are_the_combined_fields_term_frequencies(bundled_index):
    searcher = shared_searcher(bundled_index)
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        from_postings: dict[int, dict[str, float]] = {}
        for term in reader.lexicon(ALL):
            text = term.decode("utf-8")
            matcher = reader.postings(ALL, text)
            while matcher.is_active():
                from_postings.setdefault(matcher.id(), {})[text] = matcher.weight()
                matcher.next()
        assert from_postings
        for docnum, frequencies in from_postings.items():
            assert decode(forward_value(searcher, docnum + offset))[0] == frequencies


def test_needles_count_what_decode_reads(bundled_index):
    searcher = shared_searcher(bundled_index)
    values = [forward_value(searcher, docnum) for docnum in range(0, searcher.doc_count_all(), 7)]
    decoded = [decode(value)[0] for value in values]
    # Terms some articles hold and others do not, the first and last of a value's sorted terms among them.
    wanted = sorted({term for counts in decoded[:5] for term in (min(counts), max(counts), *list(counts)[:20])})
    needles = Needles(wanted)
    held = absent = 0
    for value, counts in zip(values, decoded):
        found = needles.counts(value)
        assert found == [counts.get(term, 0) for term in wanted]
        held += sum(map(bool, found))
        absent += found.count(0)
    assert held and absent
    assert needles.counts(b"") == [0] * len(wanted)


def test_long_articles_and_other_letters_keep_their_counts(bundled_index):
    searcher = shared_searcher(bundled_index)
    analyzer = searcher.schema[ALL].analyzer
    body = searcher.stored_fields(0)[BODY]
    for text in (body * 300, f"{body} café Zürich"):  # counts past a byte; letters off the one-byte page
        counts = term_counts(analyzer, text)
        value = encode(counts, {})
        assert decode(value) == (counts, {})
        assert Needles(counts).counts(value) == list(counts.values())
    assert max(term_counts(analyzer, body * 300).values()) > 255
    assert decode(encode({}, {})) == ({}, {}) and encode({}, {}) == b""


def test_forward_values_follow_their_articles_through_updates_merges_and_deletions(tmp_path):
    from whoosh.index import open_dir

    articles = sorted((REPO / "corpus" / "ir-news").glob("*.txt"))
    folder = tmp_path / "news"
    folder.mkdir()
    index_dir = tmp_path / "ix"
    for path in articles[:40]:
        shutil.copyfile(path, folder / path.name)
    update_index(index_dir, [folder])
    for run in range(5):  # one small segment a run; the fifth run merges them
        shutil.copyfile(articles[40 + run], folder / articles[40 + run].name)
        (folder / articles[run].name).unlink()  # a deletion
        changed = folder / articles[10 + run].name  # an update: its article rewritten in a new segment
        changed.write_text(articles[60 + run].read_text(encoding="utf-8"), encoding="utf-8")
        update_index(index_dir, None)
    # The first segment, runs 1-4's segments copied into one (indexer/merge.py), run 5's own.
    assert len(open_dir(str(index_dir))._segments()) == 3
    searcher = shared_searcher(index_dir)
    assert searcher.reader().has_deletions()
    assert _every_article_matches(searcher) == 40
