"""Quoted phrases that keep the gaps left by stopwords.

Stopwords are not index terms but keep their positions, so «ستاد ملی مقابله
با کرونا» is indexed as ستاد(0) ملی(1) مقابله(2) کرونا(4). Whoosh's own phrase
drops the query's stopwords and asks for four adjacent words, finding nothing;
with a wider slop it would also match «وزیر تهران» in «وزیر به تهران». This
plugin asks for each word at exactly its distance from the one before.
"""

from __future__ import annotations

from whoosh import qparser
from whoosh.qparser.syntax import attach
from whoosh.query import NullQuery, Phrase, Query, SpanNear, Term


class ExactNear(SpanNear):
    """Whoosh's SpanNear, with its two halves visible to tree walks (terms, highlights)."""

    def children(self):
        return iter((self.a, self.b))

    # Query planning asks every clause how many documents it may match.
    def estimate_size(self, ixreader) -> int:
        return min(self.a.estimate_size(ixreader), self.b.estimate_size(ixreader))

    def estimate_min_size(self, ixreader) -> int:
        return 0


def exact_phrase(fieldname: str, placed: list[tuple[str, int]], boost: float = 1.0) -> Query:
    """Words at fixed relative positions: ``[("ستاد", 0), ("ملی", 1), ("کرونا", 4)]``."""
    if not placed:
        return NullQuery
    query: Query = Term(fieldname, placed[0][0])
    for (_, previous), (word, position) in zip(placed, placed[1:]):
        distance = position - previous
        query = ExactNear(query, Term(fieldname, word), slop=distance, mindist=distance, ordered=True)
    query.boost = boost
    return query


class ExactPhrasePlugin(qparser.PhrasePlugin):
    """``"quoted words"`` → :func:`exact_phrase`; ``"words"~N`` keeps Whoosh's sloppy phrase."""

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            field = parser.schema[fieldname] if parser.schema and fieldname in parser.schema else None
            if field is None or not field.analyzer:
                return super().query(parser)
            placed = [(token.text, token.pos)
                      for token in field.analyzer(self.text, positions=True, mode="query")]
            if self.slop > 1:
                return attach(Phrase(fieldname, [w for w, _ in placed], slop=self.slop, boost=self.boost), self)
            return attach(exact_phrase(fieldname, placed, self.boost), self)

    class PhraseTagger(qparser.PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return ExactPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)


# Where a word begins: the start of the query, a space, an opening bracket, or a field's colon.
WORD_START = r"(?<![^\s(:])"


class HyphenatedWordPlugin(qparser.TaggingPlugin):
    """``کووید-۱۹``, ``covid-19``, ``F-35``: a hyphen inside a word joins its parts.

    The word is searched as the exact phrase of its parts, as ``"کووید-۱۹"``
    is; a hyphen only excludes at the start of a word (see the minus of
    :func:`~khabar.search.query.parse.make_parser`).
    """

    priority = 0
    expr = WORD_START + r'(?P<text>[^\s()"\-]+(?:-+[^\s()"\-]+)+)(?=[\s()"]|$)'

    def create(self, parser, match):
        return ExactPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), 1)
