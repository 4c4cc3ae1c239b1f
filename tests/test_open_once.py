"""Opening an index for a search reads and unpickles its table of contents once (asking
whether an index is there looks at file names only), and a missing index is still said
to be missing."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from khabar.indexer.store import IndexMissing, open_for_search


def test_an_existing_index_is_read_once(bundled_index, monkeypatch):
    asked = []
    read = whoosh_index.TOC.read.__func__
    monkeypatch.setattr(whoosh_index.TOC, "read", classmethod(lambda cls, *args, **kwargs: asked.append(args) or read(cls, *args, **kwargs)))
    ix = open_for_search(bundled_index)
    opening = len(asked)
    try:
        assert ix.doc_count() > 0
    finally:
        ix.close()
    assert opening == 1


def test_a_missing_index_is_missing(tmp_path):
    with pytest.raises(IndexMissing, match="no index at"):
        open_for_search(tmp_path / "nothing-here")
