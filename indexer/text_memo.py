"""What a writer worked out from a text, kept for the next exact copy of that text.

Archives hold the same article text under other ids (an agency's story on
every site that runs it; the benchmark's million-article corpus is one news
set 114 times over), and an index holds each copy whole. A value that is a
function of the text alone (an article's near-duplicate signature) is kept
here by the text's 128-bit BLAKE2b digest, a few hundred bytes an entry with
the text itself not held, so a copy met again within the last ``size`` texts
costs a digest (~10 µs for a news article) instead of its analysis. Two
texts share a digest with a probability of about n² / 2¹²⁹: no copy is given
another text's value.
"""

from __future__ import annotations

from collections.abc import Callable
from hashlib import blake2b


class TextMemo:
    """``make(text)``, remembered for the ``size`` texts asked for last (oldest forgotten first)."""

    __slots__ = ("_make", "_size", "_values")

    def __init__(self, make: Callable[[str], bytes], size: int) -> None:
        self._make, self._size = make, size
        self._values: dict[bytes, bytes] = {}

    def __call__(self, text: str) -> bytes:
        key = blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        values = self._values
        value = values.get(key)
        if value is None:
            value = self._make(text)
            if len(values) >= self._size:
                del values[next(iter(values))]  # a dict keeps insertion order: the oldest
            values[key] = value
        return value

    def __len__(self) -> int:
        return len(self._values)
