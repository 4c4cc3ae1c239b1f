"""khabar: full-text search for Persian news, with Jalali date filters.

The repository root is the ``khabar`` package (pyproject.toml maps it), so the
installed names are ``khabar.cli``, ``khabar.indexer`` and ``khabar.search``.
"""
