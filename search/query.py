"""Turning what a user types into a Whoosh query.

Syntax: words, "quoted phrases", -word to exclude, OR / AND / NOT, and field
prefixes (title:, keywords:, body:, source:). Words are analysed by the same
Persian chain as the index, so letter variants, ZWNJ and digits meet.
"""

from __future__ import annotations

from whoosh import qparser
from whoosh.query import DisjunctionMax, NullQuery, Query

from .phrases import ExactPhrasePlugin

SEARCH_FIELDS = ("title", "keywords", "body")
# Tuned on the Hamshahri relevance judgments (docs/ranking.md).
FIELD_BOOSTS = {"title": 1.5, "keywords": 1.2, "body": 1.0}
# An OR between words that rewards documents matching more of them, so that
# articles holding every word rank first while partial matches still count.
COORDINATION = 0.9


class QueryError(ValueError):
    """A query that cannot be searched; the message is one line."""


class FieldsGroup(qparser.syntax.GroupNode):
    """One word searched in every field; its field scores add up.

    A group class of its own so that the OR between words does not flatten it:
    coordination then counts matched words, not matched fields.
    """

    merging = False

    def query(self, parser):
        subqueries = [node.query(parser) for node in self.nodes]
        subqueries = [q for q in subqueries if q is not None and q is not NullQuery]
        return DisjunctionMax(subqueries, tiebreak=1.0) if subqueries else NullQuery


def make_parser(schema) -> qparser.QueryParser:
    parser = qparser.QueryParser(None, schema, group=qparser.OrGroup.factory(COORDINATION))
    parser.add_plugin(qparser.MultifieldPlugin(list(SEARCH_FIELDS), FIELD_BOOSTS, group=FieldsGroup))
    # Plain search text should not turn into expensive or surprising queries.
    for plugin in (qparser.WildcardPlugin, qparser.BoostPlugin, qparser.RangePlugin):
        parser.remove_plugin_class(plugin)
    parser.remove_plugin_class(qparser.PhrasePlugin)
    parser.add_plugin(ExactPhrasePlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
    return parser


def parse_query(text: str, schema) -> Query:
    """Parse ``text``; raise :class:`QueryError` when nothing searchable is left."""
    if not text.strip():
        raise QueryError("the query is empty")
    try:
        query = make_parser(schema).parse(text)
    except Exception as error:  # whoosh's parser raises assorted errors on odd input
        raise QueryError(f"cannot understand the query {text!r}: {error}") from error
    if query is NullQuery or not any(True for _ in query.iter_all_terms()):
        raise QueryError(f"the query {text!r} has no searchable words (only very common words or punctuation)")
    return query
