"""The commit's merge of the small segments incremental runs leave (merge_small_segments):
a segment whose articles are all deleted is dropped unread, small segments without
deletions are copied block by block, and the index holds what it held."""

from __future__ import annotations

from whoosh.index import create_in

from khabar.indexer.codec import KhabarCodec
from khabar.indexer.schema import build_schema
from khabar.indexer.segment_writer import MERGE_SMALL_SEGMENTS, IndexWriter, merge_small_segments

from conftest import bundled_documents


def held(ix) -> tuple[dict[str, int], dict[tuple[str, bytes], int]]:
    """The live articles' ids (with how many times each is held) and every term's live document frequency."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids: dict[str, int] = {}
        for fields in reader.all_stored_fields():
            ids[fields["id"]] = ids.get(fields["id"], 0) + 1
        frequencies = {(field, text): reader.doc_frequency(field, text) for field, text in reader.all_terms()
                       if field in ("all", "title")}
        return ids, {key: count for key, count in frequencies.items() if count}


def commit(ix, docs=(), deleted=()) -> None:
    writer = IndexWriter(ix, codec=KhabarCodec())
    for doc in docs:
        writer.add_document(**doc)
    for doc_id in deleted:
        writer.delete_by_term("id", doc_id)
    writer.commit(mergetype=merge_small_segments)


def test_small_segments_are_merged_and_the_index_holds_the_same(tmp_path):
    docs = bundled_documents(200)
    ix = create_in(str(tmp_path), build_schema())
    commit(ix, docs[:120])  # the large one
    runs = [docs[120 + 10 * n: 130 + 10 * n] for n in range(MERGE_SMALL_SEGMENTS + 1)]
    for run in runs[:MERGE_SMALL_SEGMENTS - 1]:  # small ones, one a run, not yet merged
        commit(ix, run)
    # One more, and one small segment with deletions (the merge policy sees the old segments only).
    commit(ix, runs[MERGE_SMALL_SEGMENTS - 1], deleted=[doc["id"] for doc in runs[0][:3]])
    assert len(ix._segments()) == MERGE_SMALL_SEGMENTS + 1
    before = held(ix)
    commit(ix, runs[MERGE_SMALL_SEGMENTS])  # the run that merges them
    segments = ix._segments()
    # The large one; the three small ones without deletions copied into one; the new one,
    # which the small one with deletions was added to.
    assert [segment.doc_count_all() for segment in segments] == [120, 30, 17]
    assert not any(segment.has_deletions() for segment in segments)
    ids, frequencies = held(ix)
    new = {doc["id"] for doc in runs[MERGE_SMALL_SEGMENTS]}
    assert {doc_id: count for doc_id, count in ids.items() if doc_id not in new} == before[0]
    # Every term's live frequency is that of the same articles indexed at once.
    gone = {doc["id"] for doc in runs[0][:3]}
    (tmp_path / "reference").mkdir()
    reference = create_in(str(tmp_path / "reference"), build_schema())
    commit(reference, [doc for doc in docs[:120] + sum(runs, []) if doc["id"] not in gone])
    assert (ids, frequencies) == held(reference)


def test_a_segment_whose_articles_are_all_deleted_is_dropped(tmp_path):
    docs = bundled_documents(60)
    ix = create_in(str(tmp_path), build_schema())
    commit(ix, docs[:50])
    commit(ix, docs[50:])
    before = held(ix)
    commit(ix, deleted=[doc["id"] for doc in docs[50:]])
    segments = ix._segments()
    assert len(segments) == 1 and segments[0].doc_count_all() == 50
    ids, frequencies = held(ix)
    assert ids == {doc_id: count for doc_id, count in before[0].items()
                   if doc_id not in {doc["id"] for doc in docs[50:]}}
    assert all(before[1].get(key, 0) >= count for key, count in frequencies.items())


def test_a_builds_last_small_segments_are_merged_by_its_own_commit(tmp_path):
    """A fresh build's workers leave the levels they had not filled as small segments: its
    commit folds them, not the next run's (a 1M index's first "nothing changed" run paid it)."""
    from khabar.indexer.segment_writer import ParallelWriter

    docs = bundled_documents(160)
    ix = create_in(str(tmp_path), build_schema())
    # A large first segment (its worker's 40 articles at once), then a few articles a segment.
    writer = ParallelWriter(ix, procs=1, batchsize=10, segment_postings=60_000, merge_factor=100, codec=KhabarCodec())
    for doc in docs[:40]:
        writer.add_document(**doc)
    writer.commit(mergetype=merge_small_segments)
    writer = ParallelWriter(ix, procs=2, batchsize=5, segment_postings=1_000, merge_factor=100, codec=KhabarCodec())
    for doc in docs[40:]:
        writer.add_document(**doc)
    writer.commit(mergetype=merge_small_segments)
    segments = ix._segments()
    largest = max(segment.doc_count() for segment in segments)
    assert sum(segment.doc_count() * 4 < largest for segment in segments) < MERGE_SMALL_SEGMENTS
    assert sum(segment.doc_count() for segment in segments) == 160
    assert held(ix)[0] == {doc["id"]: 1 for doc in docs}
