"""Did-you-mean: a corrected query from the index's own vocabulary of written forms.

``keyboard.py`` (what a Persian typist confuses: neighbouring keys of the
ISIRI 9147 layout, letters of one sound, dropped and doubled letters, space
and ZWNJ), ``edits.py`` (candidate spellings of a word, each with its cost),
``vocabulary.py`` (the ``spelling`` field's forms and document frequencies),
``spans.py`` (which words of a query string may be corrected), and
``corrector.py`` (a Whoosh Corrector, and the query-level decision).
"""

# Fewer results than this is "little": the query may be misspelled. A word
# that alone is in this many articles is not corrected. Here, not in corrector.py,
# so that a search that found plenty need not import the corrector (~20 ms).
FEW_RESULTS = 20
