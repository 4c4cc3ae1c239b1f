"""Split Persian text into word tokens with exact character offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

from .stateless import Stateless

# A word is a run of letters/digits plus the marks that live inside words
# (harakat, tatweel, ZWJ, direction marks, soft hyphen), which Python's \w
# does not cover. ZWNJ (U+200C) is not in the class: it splits compounds so
# that «تعاونی‌ها», «تعاونی ها» and «تعاونیها» can meet. Digits joined by a
# decimal point or thousands separator stay one token (3.5, ۳٫۵, 302,746).
WORD_MARKS = "\u064b-\u065f\u0670\u0640\u200d\u200e\u200f\u00ad"
WORD_PATTERN = re.compile(
    rf"\d+(?:[.٫,٬]\d+)+|(?:[^\W_]|[{WORD_MARKS}])+"
)

ZWNJ = "\u200c"
# A word as written (the did-you-mean vocabulary, indexer/persian/written.py):
# letters and in-word marks, ZWNJ only between letters; no digits.
_LETTER = rf"(?:[^\W\d_]|[{WORD_MARKS}])"
WRITTEN_WORD = re.compile(rf"{_LETTER}+(?:{ZWNJ}{_LETTER}+)*")


def word_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (word, start, end) for every word in ``text``."""
    for match in WORD_PATTERN.finditer(text):
        yield match.group(), match.start(), match.end()


class PersianTokenizer(Stateless, Tokenizer):
    """Whoosh tokenizer over :data:`WORD_PATTERN`, keeping original offsets."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in WORD_PATTERN.finditer(value):
            token.text = match.group()
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
