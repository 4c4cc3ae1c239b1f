"""A light suffix stripper guarded by hazm's lexicon.

hazm's own Stemmer turns ``ایران`` into ``ایر`` and ``تهران`` into ``تهر``. This
one strips a glued suffix only when what remains is a known word of a fitting
part of speech. Words the lexicon knows are left alone, except for the plural
``ها`` family: the lexicon lists a few dozen glued plurals (``کتابها``) that
must still meet their singular.
"""

from __future__ import annotations

import importlib.util
from bisect import bisect_left
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .folding import fold

_PLURAL = ("هایی", "های", "ها")
# (suffix, parts of speech the remainder must have), longest first.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("هایی", "nominal"),
    ("های", "nominal"),
    ("ترین", "adjectival"),
    ("ها", "nominal"),
    ("تر", "adjectival"),
    ("ات", "noun"),
    ("ان", "nominal"),
    ("ای", "nominal"),
    ("یی", "nominal"),
    ("ی", "nominal"),
)
_MIN_STEM = 2
# Known words that look like a plural of another word but are not.
_NOT_PLURAL = frozenset(fold(w) for w in ("تنها", "منتها", "بها", "رها"))


class SortedWords:
    """A read-only word set kept as a sorted list, membership by bisection.

    Hashing the lexicon's ~180k words into frozensets costs ~0.2 s per process;
    decoding the cached text and splitting it into lists ~25 ms, and a search
    looks up only a few hundred words (indexing caches every word's term
    anyway). Made :meth:`from_lines`, the set bisects its lines in the file's
    UTF-8 bytes themselves (ordered as the words are: UTF-8 keeps code point
    order) until it has been asked :data:`LOOKUPS_BEFORE_SPLIT` times (an
    indexing run), and only then decodes and splits them into a list.
    """

    __slots__ = ("_words", "_lines", "_lookups")

    # ~10 µs a lookup in the bytes against ~0.1 µs in a list: past this many the split pays.
    LOOKUPS_BEFORE_SPLIT = 1_000

    def __init__(self, words: list[str] | set[str]) -> None:
        self._words: list[str] | None = words if isinstance(words, list) else sorted(words)
        self._lines = b""
        self._lookups = 0

    @classmethod
    def from_lines(cls, lines: bytes) -> SortedWords:
        """The words of ``lines`` (UTF-8, one a line, sorted), not decoded until looked up often."""
        found = cls([])
        found._words = None
        found._lines = b"\n" + lines + b"\n"
        return found

    def __contains__(self, word: object) -> bool:
        words = self._words
        if words is None:
            self._lookups += 1
            if self._lookups <= self.LOOKUPS_BEFORE_SPLIT:
                if not isinstance(word, str) or "\n" in word:
                    return False
                try:
                    return _in_sorted_lines(self._lines, word.encode("utf-8"))
                except UnicodeEncodeError:  # a lone surrogate: no word of the lexicon
                    return False
            words = self._split()
        i = bisect_left(words, word)
        return i < len(words) and words[i] == word

    def _split(self) -> list[str]:
        self._words = self._lines[1:-1].decode("utf-8").split("\n")
        self._lines = b""
        return self._words

    def __iter__(self):
        return iter(self._words if self._words is not None else self._split())

    def __len__(self) -> int:
        return len(self._words if self._words is not None else self._split())


def _in_sorted_lines(lines: bytes, word: bytes) -> bool:
    """Whether ``word`` is a line of ``lines`` (sorted lines, a newline before the first and
    after the last), by bisection over the bytes: each step reads the line around the middle."""
    low, high = 0, len(lines) - 1  # newlines; the lines still in question lie between them
    while low < high:
        start = lines.rfind(b"\n", low, (low + high) // 2 + 1)
        end = lines.find(b"\n", start + 1, high + 1)
        line = lines[start + 1 : end]
        if line == word:
            return True
        if line < word:
            low = end
        else:
            high = start
    return False


@dataclass(frozen=True, slots=True)
class Lexicon:
    known: SortedWords
    noun: SortedWords
    nominal: SortedWords  # nouns and adjectives
    adjectival: SortedWords  # adjectives and adverbs


def _hazm_words_path() -> Path:
    # Find hazm's data without importing hazm: its __init__ pulls in nltk (~1 s).
    spec = importlib.util.find_spec("hazm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("hazm is not installed: its lexicon guards the stemmer")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "words.dat"


def _cache_path(source: Path) -> Path:
    stat = source.stat()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "khabar" / f"lexicon-{stat.st_size}-{int(stat.st_mtime)}.txt"


def _parse_hazm_words(source: Path) -> Lexicon:
    known: set[str] = set()
    noun: set[str] = set()
    nominal: set[str] = set()
    adjectival: set[str] = set()
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        word = fold(parts[0]).replace("\u200c", "")
        tags = parts[2].split(",")
        known.add(word)
        if "N" in tags:
            noun.add(word)
            nominal.add(word)
        if "AJ" in tags:
            nominal.add(word)
            adjectival.add(word)
        if "ADV" in tags:
            adjectival.add(word)
    return Lexicon(SortedWords(known), SortedWords(noun), SortedWords(nominal), SortedWords(adjectival))


@cache
def lexicon() -> Lexicon:
    """The folded lexicon, loaded once per process.

    Parsing ``words.dat`` takes ~1 s, too slow for every ``khabar search``, so the
    folded sets are cached as plain text beside the user's cache, read back as it is
    (:meth:`SortedWords.from_lines`).
    """
    source = _hazm_words_path()
    cached = _cache_path(source)
    try:
        blocks = cached.read_bytes().split(b"\n\n")
        if len(blocks) == 4:
            return Lexicon(*(SortedWords.from_lines(block) for block in blocks))
    except OSError:
        pass
    parsed = _parse_hazm_words(source)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(
            "\n\n".join("\n".join(words) for words in
                        (parsed.known, parsed.noun, parsed.nominal, parsed.adjectival)),
            encoding="utf-8", newline="\n",  # read back as bytes, split at "\n"
        )
        partial.replace(cached)
    except OSError:
        pass  # a read-only home only costs the next process the parse
    return parsed


def stem(word: str) -> str:
    """Strip one glued suffix from a folded word when the lexicon allows it."""
    lex = lexicon()
    known = word in lex.known
    if len(word) <= _MIN_STEM + 1 or (known and (word in _NOT_PLURAL or not word.endswith(_PLURAL))):
        return word
    for suffix, kind in _SUFFIXES:
        if known and suffix not in _PLURAL:
            continue
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) >= _MIN_STEM and base in getattr(lex, kind):
                return base
    return word
