"""Character folding: the one place that says which characters are written for one another.

:data:`FOLD_TABLE` (:func:`fold`) makes index terms: applied to token text
only; stored text keeps its original characters so that highlights land on
the words as they were written. :data:`LINE_FOLD_TABLE` is the same letters
and digits one character for one character, for readers that match patterns
on a folded line and slice the raw one; the date parser adds :data:`MARKS`.
"""

from __future__ import annotations

# Letters that Persian writers and Arabic keyboards use interchangeably.
_LETTERS = {
    "ي": "ی", "ى": "ی", "ئ": "ی", "ۍ": "ی", "ې": "ی",
    "ك": "ک", "ڪ": "ک",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه",
    "أ": "ا", "إ": "ا", "ٱ": "ا", "آ": "ا",
    "ؤ": "و",
    "٫": ".",
}
# Marks written on or between the letters of a word: harakat, superscript alef, tatweel.
MARKS = tuple(chr(c) for c in range(0x064B, 0x0660)) + ("\u0670", "\u0640")
# Marks that change nothing for matching: the above, joiners and direction marks,
# soft hyphen, thousands separators in numbers.
_DROPPED = MARKS + (
    "\u200d", "\u200e", "\u200f", "\u00ad", "\u2066", "\u2067", "\u2068", "\u2069", "٬", ",",
)
_DIGITS = {chr(0x06F0 + i): str(i) for i in range(10)} | {chr(0x0660 + i): str(i) for i in range(10)}
# Characters that stand between words without being spaces: ZWNJ, no-break
# space, direction marks (a line folded for matching keeps them as spaces).
_WORD_BREAKS = {"\u200c": " ", "\u00a0": " ", "\u200e": " ", "\u200f": " "}

FOLD_TABLE = str.maketrans(_LETTERS | _DIGITS | dict.fromkeys(_DROPPED))
# The did-you-mean vocabulary's light folding (indexer/persian/written.py): letters
# folded for index terms that a reader sees as spelled differently stay as written.
_KEPT_AS_WRITTEN = "آأإؤئةۀ"
WRITTEN_TABLE = {
    code: value for code, value in FOLD_TABLE.items()
    if chr(code) not in _KEPT_AS_WRITTEN and not chr(code).isdigit()
}
# One character for one character: a match on a folded line slices the raw line.
LINE_FOLD_TABLE = str.maketrans(_LETTERS | _DIGITS | _WORD_BREAKS)


def fold(text: str) -> str:
    """Fold letter variants, digits and marks; lowercase Latin."""
    return text.translate(FOLD_TABLE).lower()


def written_form(word: str) -> str:
    """The vocabulary form of a word as typed or written (see indexer/persian/written.py)."""
    return word.translate(WRITTEN_TABLE).lower()


def keyword_key(keyword: str) -> str:
    """One spelling for a keyword/tag, so that written variants meet in lookups.

    Folds letters and digits, and treats ZWNJ and runs of spaces as one space
    (``دانش‌بنیان`` and ``دانش بنیان`` are the same tag).
    """
    return " ".join(fold(keyword).replace("\u200c", " ").split())


# Words written with or without hamza whose folded forms still differ
# (ئ folds to ی, أ to ا): mapped onto one spelling.
SPELLING_VARIANTS = {
    fold(variant): fold(standard)
    for variant, standard in (
        ("هیأت", "هیئت"), ("هیات", "هیئت"),
        ("مساله", "مسئله"), ("مسأله", "مسئله"), ("مسائل", "مسایل"),
        ("مسوول", "مسئول"), ("مسوولان", "مسئولان"), ("مسوولیت", "مسئولیت"),
    )
    if fold(variant) != fold(standard)
}
