"""Did-you-mean for a query that finds little: word by word, from the index's vocabulary.

A typed word is corrected to a written form of the vocabulary when that form
is enough more frequent to outweigh the edits between them: a form ``cost``
edits away must be found in more than ``(f + 1) · 10^cost · ADVANTAGE``
articles, where ``f`` is the typed word's own count (the noisy-channel rule
with frequencies as priors and the keyboard costs as a log-likelihood). A
word that alone finds :data:`FEW_RESULTS` articles or more is taken as spelled
right, and a query is corrected only when it finds fewer than that and the
corrected query finds clearly more (:func:`clearly_more`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from whoosh.spelling import Corrector

from khabar.indexer.persian.written import ZWNJ, written_form
from khabar.search.coverage import matching
from khabar.search.query.parse import QueryError, parse_query
from khabar.search.suggest import FEW_RESULTS
from khabar.search.suggest.edits import one_edit, two_edits
from khabar.search.suggest.keyboard import JOINER
from khabar.search.suggest.spans import Place, correctable, replaced
from khabar.search.suggest.vocabulary import Vocabulary

# How much likelier than the typed word a correction must be, beyond its edit cost.
ADVANTAGE = 1.5
# A correction is a form of at least this many articles.
MIN_FREQUENCY = 3
# Shorter words are corrected by one edit only: two make another word of nearly any short one.
MIN_TWO_EDITS = 5


def needed(own: int, cost: float) -> float:
    """How many articles a form ``cost`` edits away must exceed to replace a word found in ``own``."""
    return max(MIN_FREQUENCY - 1, (own + 1) * 10**cost * ADVANTAGE)


def clearly_more(total: int) -> int:
    """The fewest results a corrected query must find, where the query found ``total``."""
    return max(2 * total + 1, total + MIN_FREQUENCY)


class PersianCorrector(Corrector):
    """Whoosh's Corrector over the ``spelling`` field: the written forms a typed word
    was likely meant as, best first; none for a word more likely right as typed.

    ``maxdist`` and ``prefix`` of Whoosh's interface are not used: the
    edits are weighted (:mod:`search.suggest.keyboard`), at most one edit or
    two cheap ones.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def _suggestions(self, text: str, maxdist: int, prefix: int) -> Iterator[tuple[float, str]]:
        form = written_form(text)
        own = self.vocabulary.frequency(form)
        first = one_edit(form)
        found = list(self._better(first, own))
        if not found and len(form) >= MIN_TWO_EDITS:  # two edits only when one finds nothing: ~3x the lookups
            found = list(self._better(two_edits(first), own, skip=form))
        yield from found

    def _better(self, candidates: dict[str, float], own: int, skip: str = "") -> Iterator[tuple[float, str]]:
        frequency = self.vocabulary.frequency
        for candidate, cost in candidates.items():
            if candidate == skip or candidate.startswith(" ") or candidate.endswith(" "):
                continue
            count = frequency(candidate)
            if count > needed(own, cost):
                yield math.log(count) - cost * math.log(10), candidate


def suggestion(reader, text: str, total: int, count: Callable[[str], int | None]) -> str | None:
    """A corrected ``text`` that finds clearly more than its ``total``, or None.

    ``count`` gives the number of results of a query string (in the same
    date range) with every plain word required, or None when it is not a valid query.
    """
    if total >= FEW_RESULTS:
        return None
    vocabulary = Vocabulary(reader)
    changes = corrections(correctable(text), vocabulary)
    if not changes:
        return None
    corrected = replaced(text, changes)
    # Compared with every plain word required: as any of them, a frequent correction
    # of one word always finds "more" («تعاونی دانش بنیان» → «… بیان»).
    found, wanted = count(corrected), count(text)
    return corrected if found is not None and wanted is not None and found >= clearly_more(wanted) else None


def corrections(places: list[Place], vocabulary: Vocabulary) -> dict[tuple[int, int], str]:
    """The replacements, by ``(start, end)`` in the query string, of the words worth correcting."""
    corrector = PersianCorrector(vocabulary)
    changes: dict[tuple[int, int], str] = {}
    for place in places:
        own = vocabulary.of_typed(place.word)
        if own >= FEW_RESULTS:
            continue
        before = places[place.follows] if place.follows is not None else None
        if before is not None and (before.start, before.end) not in changes:
            joined = _joined(before, place, own, vocabulary)
            if joined is not None:
                changes[(before.start, place.end)] = joined
                continue
        best = corrector.suggest(place.word, limit=1)
        if best:
            changes[(place.start, place.end)] = best[0]
    return _without_overlaps(changes)


def _joined(first: Place, second: Place, own: int, vocabulary: Vocabulary) -> str | None:
    """One word for two typed apart («بیمار ستان» → «بیمارستان», «می شود» → «می‌شود»), or None."""
    rarer = min(own, vocabulary.of_typed(first.word))
    left, right = written_form(first.word), written_form(second.word)
    best = max((left + right, left + ZWNJ + right), key=vocabulary.frequency)
    return best if vocabulary.frequency(best) > needed(rarer, JOINER) else None


def _without_overlaps(changes: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    """Changes whose spans overlap an earlier one's (a join over a corrected word) are dropped."""
    kept: dict[tuple[int, int], str] = {}
    end = -1
    for (start, stop), new in sorted(changes.items()):
        if start >= end:
            kept[(start, stop)] = new
            end = stop
    return kept


def suggested(searcher, text: str, total: int, day_range) -> str | None:
    """:func:`suggestion` for a search of ``text`` in ``day_range`` that found ``total``."""
    if total >= FEW_RESULTS:  # the common case: nothing to open
        return None
    return suggestion(searcher.reader(), text, total, lambda query: _count(searcher, query, day_range))


def _count(searcher, text: str, day_range) -> int | None:
    """How many articles hold every plain word of ``text`` inside ``day_range`` (the set
    ``search --by`` counts, :func:`search.coverage.matching`); None when it is no valid query."""
    try:
        query = parse_query(text, searcher.schema, all_words=True)
    except QueryError:
        return None
    return sum(len(docs) for _, docs in matching(searcher, query, day_range))
