"""Snippets of the original article text around the matched words.

Whoosh's Highlighter re-tokenizes each hit's body into Token objects, which
cost ~10 ms a query. Here the body is scanned once with the index's own word
pattern and cached term function, so a snippet marks exactly the words the
query matched, on their original characters; every piece of article text
is cleaned of control characters on the way, whatever marks are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from whoosh.query import Not, Phrase, Query

from khabar.indexer.persian.terms import cached_terms, index_term
from khabar.indexer.schema import ALL, KEYWORDS, TITLE
from khabar.indexer.persian.tokenizer import WORD_MARKS, WORD_PATTERN

from khabar.search.query.phrases import ExactNear
from khabar.indexer.safe_text import clean_text

SNIPPET_CHARS = 220
_SURROUND = 70
_FRAGMENTS = 2
# How much of a body a snippet reads at most: all of nearly every article (the
# bundled corpus's longest is 8,000 characters), and a bounded cost per hit for
# a huge one (a 200 MB article took 18 s and 2 GB to scan whole). A match past
# it is not shown; the opening is, when there is none before it.
SCAN_CHARS = 50_000
_SCAN_STEPS = (600, 1500, SCAN_CHARS)
# How far past a step's end a snippet looks for a space, so as not to cut a word in two.
_WORD_SLACK = 100
_TEXT_FIELDS = (ALL, TITLE, KEYWORDS)


@dataclass(frozen=True, slots=True)
class SnippetMarks:
    """What wraps a matched word (``start``/``end``) and what stands between fragments."""

    start: str = ""
    end: str = ""
    between: str = " … "


def query_terms(query: Query) -> frozenset[str]:
    """The text-field terms a query looks for, leaving out those under NOT."""
    found: set[str] = set()

    def walk(node: Query) -> None:
        if isinstance(node, Not):
            return
        if node.is_leaf():
            for fieldname, text in node.iter_all_terms(phrases=True):
                if fieldname in _TEXT_FIELDS:
                    found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
            return
        for child in node.children():
            walk(child)

    walk(query)
    return frozenset(found)


def snippet(body: str, terms: frozenset[str], marks: SnippetMarks, together: bool = False) -> str:
    """Up to two fragments of ``body`` richest in matched terms, or its opening.

    ``together`` (a quoted phrase was asked): look for a fragment holding
    every term, through the first :data:`SCAN_CHARS` characters if need be,
    so the phrase is shown. No more of the body than that is ever read.
    """
    # Articles are scanned in steps: the opening usually holds the matches,
    # and scanning every word of a long body costs more than the search. The
    # scan goes on while some query word is still missing, past 1,500
    # characters only when nothing matched at all (or, with ``together``,
    # until one fragment holds them all), and never past SCAN_CHARS.
    matches: list[tuple[int, int, str]] = []
    start = 0
    for end in (_SCAN_STEPS if terms else ()):
        if end == SCAN_CHARS and matches and not together:
            break
        if end >= len(body):
            end = len(body)
        else:  # end at a space near the step, so as not to cut a word in two
            space = body.find(" ", end, end + _WORD_SLACK)
            if space < 0:
                space = body.rfind(" ", max(start, end - _WORD_SLACK), end)
            end = space if space > start else end
        matches += _matches(body, terms, start, end)
        start = end
        if start >= len(body) or _enough(matches, terms, len(body), together):
            break
    if not matches:
        return opening(body)
    fragments = _whole_words(body, _best_fragments(_fragments(matches, len(body))))
    pieces = [_render(body, start, end, group, marks) for start, end, group in fragments]
    return " ".join(marks.between.join(pieces).split())


def _enough(matches: list[tuple[int, int, str]], terms: frozenset[str], length: int, together: bool) -> bool:
    if len({term for *_, term in matches}) < len(terms):
        return False
    return not together or any(len({term for *_, term in group}) == len(terms)
                               for _, _, group in _fragments(matches, length))


def has_phrase(query: Query) -> bool:
    """Whether a query asks for words next to each other (a quoted phrase), outside NOT."""
    if isinstance(query, Not):
        return False
    if isinstance(query, (ExactNear, Phrase)):
        return True
    return not query.is_leaf() and any(has_phrase(child) for child in query.children())


def opening(body: str) -> str:
    """The first ``SNIPPET_CHARS`` characters of an article, cleaned: the snippet when no word matched."""
    text = " ".join(clean_text(body[: SNIPPET_CHARS + 40]).split())
    return text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS or len(body) > SNIPPET_CHARS + 40 else "")


def _matches(body: str, terms: frozenset[str], start: int, end: int) -> list[tuple[int, int, str]]:
    # Most words of a body are not query terms: find which written forms are
    # (one C-level findall, each distinct word looked up once), then locate
    # only those forms, instead of building a match object for every word.
    known = cached_terms()
    # A stopword is cached as "" (not a term): only a word not seen before calls index_term.
    forms = {word: term for word in set(WORD_PATTERN.findall(body, start, end))
             if (term := known.get(word)) in terms or (term is None and (term := index_term(word)) in terms)}
    if not forms:
        return []
    found = []
    for match in _forms_pattern(tuple(sorted(forms, key=len, reverse=True))).finditer(body, start, end):
        word = WORD_PATTERN.match(body, match.start(), end)
        if word is not None and word.end() == match.end():  # a whole word, not part of a number like 3.5
            found.append((match.start(), match.end(), forms[match.group()]))
    return found


@lru_cache(maxsize=256)
def _forms_pattern(forms: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(map(re.escape, forms))  # longest first
    return re.compile(rf"(?<![^\W_]|[{WORD_MARKS}])(?:{alternatives})(?![^\W_]|[{WORD_MARKS}])")


def _fragments(matches: list[tuple[int, int, str]], length: int) -> list[tuple[int, int, list]]:
    """Greedy windows: each opens before a match and takes in the following
    matches while it stays within SNIPPET_CHARS. Windows do not overlap, and
    each holds every match inside it (the ones it shows), so no text or match
    belongs to two of them."""
    windows: list[tuple[int, int, list]] = []
    i = previous_end = 0
    while i < len(matches):
        start = max(previous_end, matches[i][0] - _SURROUND)
        j = i
        while j + 1 < len(matches) and matches[j + 1][1] + _SURROUND - start <= SNIPPET_CHARS:
            j += 1
        end = min(length, max(matches[j][1] + _SURROUND, start + 1))
        while j + 1 < len(matches) and matches[j + 1][0] < end:  # shown anyway: marked and counted here
            j += 1
            end = max(end, matches[j][1])
        windows.append((start, end, matches[i : j + 1]))
        previous_end = end
        i = j + 1
    return windows


def _best_fragments(windows: list[tuple[int, int, list]]) -> list[tuple[int, int, list]]:
    # Most distinct terms first, then most matches, then earliest; shown in text order.
    ranked = sorted(windows, key=lambda w: (-len({term for *_, term in w[2]}), -len(w[2]), w[0]))
    return sorted(ranked[:_FRAGMENTS], key=lambda w: w[0])


def _whole_words(body: str, windows: list[tuple[int, int, list]]) -> list[tuple[int, int, list]]:
    """The windows (in text order) widened to whole words at both edges, and
    those that then touch or overlap joined into one: nothing is shown twice."""
    joined: list[tuple[int, int, list]] = []
    for start, end, group in windows:
        while start > 0 and not body[start - 1].isspace() and start > group[0][0] - _SURROUND - 15:
            start -= 1
        while end < len(body) and not body[end].isspace() and end < group[-1][1] + _SURROUND + 15:
            end += 1
        if joined and (start <= joined[-1][1] or not body[joined[-1][1]:start].strip()):
            previous_start, previous_end, previous_group = joined.pop()
            start, end, group = previous_start, max(end, previous_end), previous_group + group
        joined.append((start, end, group))
    return joined


def _render(body: str, start: int, end: int, group: list, marks: SnippetMarks) -> str:
    out: list[str] = []
    at = start
    for match_start, match_end, _term in group:
        out.append(clean_text(body[at:match_start]))
        out.append(f"{marks.start}{clean_text(body[match_start:match_end])}{marks.end}")
        at = match_end
    out.append(clean_text(body[at:end]))
    return "".join(out).strip()
