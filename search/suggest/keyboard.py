"""What Persian typists confuse, as the cost of each edit (0 = the same, 1 = unrelated).

Keys are laid out as on the standard Persian keyboard (ISIRI 9147) and, for
Latin words, QWERTY: the same key positions, so one neighbour rule serves
both. Besides neighbouring keys, the letters that sound alike are written
for one another (ت/ط, س/ص/ث, ز/ذ/ض/ظ, ه/ح, ق/غ, ا/ع), long vowels (ا و ی)
are dropped or added in transcribed names (ترامپ/ترمپ, پمپئو/پومپئو), a
letter is doubled or lost, and a space, a ZWNJ or nothing stands between
two parts of a word («می شود», «می‌شود», «میشود»).
"""

from __future__ import annotations

from functools import cache

ZWNJ = "\u200c"
JOINERS = (" ", ZWNJ)  # what may stand between two parts of one word

# ISIRI 9147, the letter rows from top to bottom, each key in its column.
PERSIAN_ROWS = ("ضصثقفغعهخحجچ", "شسیبلاتنمکگ", "ظطزرذدپو")
QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# The shifted letter of a key, typed for the plain one and the other way round.
SHIFTED = {"آ": "ا", "ژ": "ز", "ئ": "ی", "أ": "ا", "ؤ": "و", "ۀ": "ه", "ة": "ه"}
SOUNDS_ALIKE = ("تط", "سصث", "زذضظ", "هح", "قغ", "اعآ", "یئ", "وؤ")
LONG_VOWELS = "اوی"

PERSIAN_LETTERS = "".join(PERSIAN_ROWS) + "ژآ"
LATIN_LETTERS = "".join(QWERTY_ROWS)

# Edit costs. Two cheap edits stay below one edit of an unrelated letter.
SAME_KEY = 0.3  # a shifted letter for its plain one (آ/ا), a space for a ZWNJ
NEIGHBOUR = 0.6  # a key beside the right one
SOUND_ALIKE = 0.6
OTHER_LETTER = 1.0
DOUBLED = 0.3  # a letter typed twice, or once for twice
VOWEL = 0.4  # a long vowel dropped or added (transcribed names: پمپئو/پومپئو)
LETTER = 0.7  # any other letter dropped or added
TRANSPOSED = 0.6  # two neighbouring letters swapped
JOINER = 0.2  # a space or ZWNJ added or dropped inside a word
FIRST_LETTER = 0.3  # added to an edit of the first letter: typists seldom miss it («ویکی» is not «یکی»)


def _positions(rows: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    return {key: (row, column) for row, keys in enumerate(rows) for column, key in enumerate(keys)}


_LAYOUTS = (_positions(PERSIAN_ROWS), _positions(QWERTY_ROWS))


def _adjacent(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two keys touch on a staggered keyboard: a row sits half a key right of the one above."""
    (row_a, col_a), (row_b, col_b) = a, b
    if row_a == row_b:
        return abs(col_a - col_b) == 1
    if row_b == row_a + 1:
        return col_b in (col_a - 1, col_a)
    if row_b == row_a - 1:
        return col_b in (col_a, col_a + 1)
    return False


def neighbours(letter: str) -> set[str]:
    """The letters on the keys touching ``letter``'s key (its plain key for a shifted letter)."""
    letter = SHIFTED.get(letter, letter)
    for layout in _LAYOUTS:
        if letter in layout:
            at = layout[letter]
            return {key for key, where in layout.items() if where != at and _adjacent(at, where)}
    return set()


@cache
def substitution_cost(typed: str, meant: str) -> float:
    """The cost of typing ``typed`` where ``meant`` was meant."""
    if typed == meant:
        return 0.0
    if SHIFTED.get(typed, typed) == SHIFTED.get(meant, meant) or {typed, meant} == set(JOINERS):
        return SAME_KEY
    if any(typed in group and meant in group for group in SOUNDS_ALIKE):
        return SOUND_ALIKE
    if meant in neighbours(typed):
        return NEIGHBOUR
    return OTHER_LETTER


def insertion_cost(letter: str, before: str, after: str) -> float:
    """The cost of a ``letter`` the typist dropped (so the correction adds it) between ``before`` and ``after``."""
    if letter in JOINERS:
        return JOINER
    if letter == before or letter == after:
        return DOUBLED
    if letter in LONG_VOWELS:
        return VOWEL
    return LETTER


def alphabet(word: str) -> str:
    """The letters a correction of ``word`` may add or substitute: Latin for a Latin word, else Persian."""
    return LATIN_LETTERS if word.isascii() else PERSIAN_LETTERS
