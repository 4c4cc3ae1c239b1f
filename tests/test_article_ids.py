"""indexer/article_ids.py: the run's table of article ids, against a dict doing the same."""

from __future__ import annotations

import random

from khabar.indexer.article_ids import ArticleIds

from conftest import bundled_documents


def _real_ids() -> list[str]:
    """The bundled corpus's article ids (Persian digits, URLs), and variants of them as
    a replicated archive has (``-copy-N``): enough to make the table grow many times."""
    ids = [doc["id"] for doc in bundled_documents(400)]
    assert len(ids) > 300
    return [f"{doc_id}-copy-{copy}" if copy else doc_id for copy in range(12) for doc_id in ids]


def test_holds_what_a_dict_holds_through_drops_and_growth():
    ids, reference = ArticleIds(), {}
    paths, gone = {}, set()
    rng = random.Random(14)
    every = _real_ids()
    for step, doc_id in enumerate(every):
        path = f"file-{step // 7}"
        if path not in paths:
            paths[path] = ids.new_file(path)
        held = ids.file_of(doc_id)
        expected = reference.get(doc_id)
        assert (None if held is None else ids.path(held)) == expected
        if expected is None:
            ids.add(doc_id, paths[path])
            reference[doc_id] = path
        if rng.random() < 0.02:  # a file changed: its articles dropped, read again under a new number
            dropped = rng.choice(sorted(paths))
            ids.drop_file(paths[dropped])
            gone.add(dropped)
            reference = {key: value for key, value in reference.items() if value != dropped}
            paths[dropped] = ids.new_file(dropped)
    assert gone  # the drops happened
    for doc_id in every:
        held = ids.file_of(doc_id)
        assert (None if held is None else ids.path(held)) == reference.get(doc_id)
        assert (doc_id in ids) == (doc_id in reference)


def test_an_id_of_a_dropped_file_can_be_held_again():
    ids = ArticleIds()
    first = ids.new_file("a.txt")
    ids.add("۷۰۷۵۸۷", first)
    ids.drop_file(first)
    assert "۷۰۷۵۸۷" not in ids
    again = ids.new_file("a.txt")
    ids.add("۷۰۷۵۸۷", again)
    assert ids.file_of("۷۰۷۵۸۷") == again and ids.path(again) == "a.txt"


def test_ids_differing_only_in_surrogates_or_case_are_different():
    ids = ArticleIds()
    file = ids.new_file("x.jsonl")
    ids.add("Fars-1", file)
    assert "fars-1" not in ids and "Fars-1" in ids
    ids.add("\udcff", file)  # an id read with surrogateescape is kept, not refused
    assert "\udcff" in ids and "\udcfe" not in ids
