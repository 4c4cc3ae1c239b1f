"""The index's vocabulary: how many articles hold each written form (the ``spelling`` field)."""

from __future__ import annotations

from khabar.indexer.persian.written import written_form
from khabar.indexer.schema import SPELLING

SPLIT_DISCOUNT = 4


class Vocabulary:
    """Document frequencies of written forms in one reader, each form looked up once.

    A form with a space is two words (a split candidate): it counts as a
    quarter of the rarer of them, as the two need not stand together, and
    not at all when a part is a single letter.
    """

    def __init__(self, reader) -> None:
        self._reader = reader
        self._known: dict[str, int] = {}

    def frequency(self, form: str) -> int:
        """Articles holding ``form`` (a word as :func:`written_form` gives it, or two with a space)."""
        count = self._known.get(form)
        if count is None:
            if " " in form:
                parts = form.split(" ")
                count = 0 if min(map(len, parts)) < 2 else min(map(self.frequency, parts)) // SPLIT_DISCOUNT
            else:
                count = self._reader.doc_frequency(SPELLING, form) if form else 0
            self._known[form] = count
        return count

    def of_typed(self, word: str) -> int:
        """Articles holding a word as the user typed it."""
        return self.frequency(written_form(word))
