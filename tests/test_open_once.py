"""Opening an index for a search asks once whether it is there (each asking reads and
unpickles its table of contents), and a missing index is still said to be missing."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from khabar.indexer.store import IndexMissing, open_for_search


def test_an_existing_index_is_asked_about_once(bundled_index, monkeypatch):
    asked = []
    exists_in = whoosh_index.exists_in
    monkeypatch.setattr(whoosh_index, "exists_in", lambda *args, **kwargs: asked.append(args) or exists_in(*args, **kwargs))
    ix = open_for_search(bundled_index)
    try:
        assert ix.doc_count() > 0
    finally:
        ix.close()
    assert len(asked) == 1


def test_a_missing_index_is_missing(tmp_path):
    with pytest.raises(IndexMissing, match="no index at"):
        open_for_search(tmp_path / "nothing-here")
