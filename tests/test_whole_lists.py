"""A term's lists read whole with numpy, term infos looked up directly, the pair bonus as
arrays: the same postings, term infos and bonus as the paths they replace, on real articles
(search/scoring/segments.py posting_arrays, term_info; proximity.py's array bonus)."""

from __future__ import annotations

import shutil
from array import array

import numpy as np
import pytest
from whoosh.query import Term
from whoosh.reading import TermNotFound

from conftest import REPO, shared_corpus
from khabar.indexer.schema import ALL, TITLE
from khabar.indexer.update import update_index
from khabar.search.scoring import proximity, segments
from khabar.search.scoring.postings import joined_list, shared_postings
from khabar.search.searchers import shared_searcher


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """600 files of the ir-news corpus, then the bundled sample corpus in a second run,
    then a file deleted: several segments, one with deletions, lists of many blocks."""
    ir_news = sorted(shared_corpus("ir-news").rglob("*.txt"))[:600]
    root = tmp_path_factory.mktemp("whole")
    news = root / "news"
    news.mkdir()
    for path in ir_news:
        shutil.copyfile(path, news / path.name)
    update_index(root / "ix", [news])
    for path in sorted((REPO / "corpus").rglob("*.txt")):
        shutil.copyfile(path, news / f"bundled-{path.name}")
    update_index(root / "ix", None)
    (news / ir_news[0].name).unlink()
    update_index(root / "ix", None)
    return root / "ix"


def words(reader, fieldname: str) -> list[str]:
    field = reader.schema[fieldname]
    return [field.from_bytes(text) for text, _ in reader.iter_field(fieldname)]


def block_by_block(reader, fieldname: str, text: str) -> tuple[array, array, array, bytes]:
    ids, tfs, lengths, blobs = array("I"), array("f"), array("I"), []
    for block_ids, block_tfs, block_lengths, blob in segments.posting_blocks(reader, fieldname, text):
        ids.extend(block_ids)
        tfs.extend(block_tfs)
        lengths.extend(block_lengths)
        blobs.append(blob)
    return ids, tfs, lengths, b"".join(blobs)


def test_the_index_has_segments_with_deletions_and_lists_of_many_blocks(index_dir):
    searcher = shared_searcher(index_dir)
    readers = [subsearcher.reader() for subsearcher, _ in searcher.leaf_searchers()]
    assert len(readers) >= 2 and any(reader.has_deletions() for reader in readers)
    assert any(not info.one_block and not info.is_inlined() for reader in readers
               for _, info in reader.iter_field(ALL))


@pytest.mark.parametrize("fieldname", [ALL, TITLE])
def test_every_list_decoded_at_once_is_the_block_by_block_one(index_dir, monkeypatch, fieldname):
    monkeypatch.setattr(segments, "ARRAY_MIN_POSTINGS", 0)  # every list, one block or many, compressed or not
    searcher = shared_searcher(index_dir)
    readers = [subsearcher.reader() for subsearcher, _ in searcher.leaf_searchers()]
    texts = sorted({text for reader in readers for text in words(reader, fieldname)})
    assert len(texts) > 1000
    for text in texts:
        counts, (ids, tfs, lengths, blob) = segments.posting_arrays(readers, fieldname, text)
        each = [block_by_block(reader, fieldname, text) for reader in readers]
        assert counts == [len(found[0]) for found in each]
        assert ids.tobytes() == b"".join(found[0].tobytes() for found in each), text
        assert tfs.tobytes() == b"".join(found[1].tobytes() for found in each), text
        assert lengths.tobytes() == b"".join(found[2].tobytes() for found in each), text
        assert blob == b"".join(found[3] for found in each), text


def test_a_joined_list_is_every_segments_list_with_index_wide_docnums(index_dir, monkeypatch):
    monkeypatch.setattr(segments, "ARRAY_MIN_POSTINGS", 0)
    searcher = shared_searcher(index_dir)
    segments_ = searcher.leaf_searchers()
    for text in ("کرونا", "ویروس", "بورس", "تهران"):
        with shared_postings(searcher):
            joined = joined_list(np, searcher, Term(ALL, text))
        each = [block_by_block(subsearcher.reader(), ALL, text) for subsearcher, _ in segments_]
        assert joined.ids.tolist() == [docnum + offset for found, (_, offset) in zip(each, segments_)
                                       for docnum in found[0]]
        assert joined.blob == b"".join(found[3] for found in each)
        assert joined.array_ends.tolist() == np.cumsum([n for found in each for n in found[2]]).tolist()


def test_term_infos_looked_up_directly_are_whooshs(index_dir):
    searcher = shared_searcher(index_dir)
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        for fieldname in (ALL, TITLE, "id", "source", "spelling"):
            texts = words(reader, fieldname)
            assert texts
            for text in texts + [text + "ـنبود" for text in texts[::5]]:
                try:
                    expected = reader.term_info(fieldname, text)
                except TermNotFound:
                    expected = None
                found = segments.term_info(reader, fieldname, text)
                assert (found is None) == (expected is None), (fieldname, text)
                if expected is not None:
                    assert vars(found) == vars(expected), (fieldname, text)


@pytest.mark.parametrize("query", ["ستاد ملی مقابله با کرونا", "ویروس کرونا بورس تهران", "وزیر بهداشت", "کرونا ناموجودواژه"])
def test_the_array_bonus_is_the_dict_bonus_to_the_last_bit(index_dir, monkeypatch, query):
    from khabar.search.query.parse import parse_query

    searcher = shared_searcher(index_dir)
    pairs = proximity.word_pairs(parse_query(query, searcher.schema), searcher.schema)
    assert pairs
    monkeypatch.setattr(proximity, "PAIR_DENSE_MIN_POSTINGS", 10**12)  # per posting, dicts
    with shared_postings(searcher):
        by_dict = proximity.pair_bonus(searcher, pairs)
    monkeypatch.setattr(proximity, "PAIR_DENSE_MIN_POSTINGS", 0)
    monkeypatch.setattr(segments, "ARRAY_MIN_POSTINGS", 0)
    with shared_postings(searcher):
        by_arrays = proximity.pair_bonus(searcher, pairs)
    assert isinstance(by_arrays, proximity.ArrayBonus) and isinstance(by_dict, dict)
    assert dict(by_arrays) == by_dict  # same docnums, floats equal exactly
    assert by_arrays.docnums.tolist() == sorted(by_dict)
