"""Did-you-mean: a corrected query from the index's own vocabulary of written forms.

``keyboard.py`` (what a Persian typist confuses: neighbouring keys of the
ISIRI 9147 layout, letters of one sound, dropped and doubled letters, space
and ZWNJ), ``edits.py`` (candidate spellings of a word, each with its cost),
``vocabulary.py`` (the ``spelling`` field's forms and document frequencies),
``spans.py`` (which words of a query string may be corrected), and
``corrector.py`` (a Whoosh Corrector, and the query-level decision).
"""
