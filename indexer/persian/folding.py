"""Character folding for index terms.

Applied to token text only; stored text keeps its original characters so that
highlights land on the words as they were written.
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
# Marks that change nothing for matching: harakat, superscript alef, tatweel,
# joiners and direction marks, soft hyphen, thousands separators in numbers.
_DROPPED = (
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "\u200d", "\u200e", "\u200f", "\u00ad", "\u2066", "\u2067", "\u2068", "\u2069",
       "٬", ","]
)
_DIGITS = {chr(0x06F0 + i): str(i) for i in range(10)} | {chr(0x0660 + i): str(i) for i in range(10)}

FOLD_TABLE = str.maketrans(_LETTERS | _DIGITS | {c: None for c in _DROPPED})


def fold(text: str) -> str:
    """Fold letter variants, digits and marks; lowercase Latin."""
    return text.translate(FOLD_TABLE).lower()


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
