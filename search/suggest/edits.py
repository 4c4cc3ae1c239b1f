"""Candidate spellings of a typed word, each with the cost of the edits that make it.

One edit of any kind (:mod:`search.suggest.keyboard` prices it), or two cheap
ones (a dropped vowel and a doubled letter, a missing ZWNJ and a swapped
pair...). Candidates are generated from the typed word rather than searched
for in the vocabulary: a word of seven letters has ~500 one-edit spellings,
each one term-table lookup, where a scan of the vocabulary or a Levenshtein
automaton over it costs seconds in Python (see docs/benchmarks.md).
A candidate may hold a space: the word split in two.
"""

from __future__ import annotations

from .keyboard import (
    FIRST_LETTER,
    JOINERS,
    LONG_VOWELS,
    SHIFTED,
    TRANSPOSED,
    alphabet,
    insertion_cost,
    substitution_cost,
)

# Edits at most this cheap are combined in pairs.
CHEAP_EDIT = 0.5
# Most a correction may cost in all.
MAX_COST = 1.2


def one_edit(word: str, *, cheap: bool = False) -> dict[str, float]:
    """Every spelling one edit from ``word`` (what the typist meant, if ``word`` is what was typed),
    with its cost; ``cheap``: only edits of at most :data:`CHEAP_EDIT`."""
    found: dict[str, float] = {}

    def add(candidate: str, cost: float, at: int) -> None:
        cost += FIRST_LETTER if at == 0 else 0.0
        if (not cheap or cost <= CHEAP_EDIT) and cost < found.get(candidate, 9.0):
            found[candidate] = cost

    letters = alphabet(word)
    padded = f"\0{word}\0"  # nothing before the first letter, nothing after the last
    for i, typed in enumerate(word):
        before, after = padded[i], padded[i + 2]
        # The typist added this letter (or this space/ZWNJ).
        add(word[:i] + word[i + 1 :], insertion_cost(typed, before, after), i)
        if i + 1 < len(word) and typed != after:
            add(word[:i] + after + typed + word[i + 2 :], TRANSPOSED, i)
        if typed in JOINERS:
            add(word[:i] + ({*JOINERS} - {typed}).pop() + word[i + 1 :], substitution_cost(typed, " "), i)
            continue
        meant_letters = ({SHIFTED.get(typed, typed)} | {k for k, v in SHIFTED.items() if v == typed}) if cheap else letters
        for meant in meant_letters:
            if meant != typed:
                add(word[:i] + meant + word[i + 1 :], substitution_cost(typed, meant), i)
    for i in range(len(word) + 1):
        before, after = padded[i], padded[i + 1]
        dropped = set(LONG_VOWELS) | {before, after} if cheap else set(letters)
        if 0 < i < len(word) and not cheap:  # a split is two lookups: one edit only
            dropped |= set(JOINERS)
        for letter in dropped - {"\0"}:
            add(word[:i] + letter + word[i:], insertion_cost(letter, before, after), i)
    found.pop(word, None)
    return found


def two_edits(first: dict[str, float]) -> dict[str, float]:
    """Spellings one cheap edit further than the cheap ones of ``first`` (one-edit candidates),
    within :data:`MAX_COST` in all, and not already in ``first``."""
    found: dict[str, float] = {}
    for candidate, cost in first.items():
        if cost > CHEAP_EDIT:
            continue
        for further, more in one_edit(candidate, cheap=True).items():
            total = cost + more
            if total <= MAX_COST and further not in first and total < found.get(further, 9.0):
                found[further] = total
    return found
