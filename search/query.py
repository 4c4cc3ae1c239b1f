"""Turning what a user types into a Whoosh query.

Syntax: words, "quoted phrases", -word to exclude, OR / AND / NOT, and field
prefixes (title:, keywords:, body:). Words are analysed by the same
Persian chain as the index, so letter variants, ZWNJ and digits meet.
"""

from __future__ import annotations

from whoosh import qparser
from whoosh.query import NullQuery, Query

from .phrases import ExactPhrasePlugin

# Words without a field prefix search the combined field; ``body:`` is an
# alias of it (the body is not indexed on its own).
DEFAULT_FIELD = "all"
FIELD_ALIASES = {"all": ["body", "text"]}


class QueryError(ValueError):
    """A query that cannot be searched; the message is one line."""


def make_parser(schema) -> qparser.QueryParser:
    parser = qparser.QueryParser(DEFAULT_FIELD, schema, group=qparser.OrGroup)
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    # Plain search text should not turn into expensive or surprising queries.
    for plugin in (qparser.WildcardPlugin, qparser.BoostPlugin, qparser.RangePlugin):
        parser.remove_plugin_class(plugin)
    parser.remove_plugin_class(qparser.PhrasePlugin)
    parser.add_plugin(ExactPhrasePlugin())
    # NOT means what -word means. As Whoosh's prefix operator, inside the OR
    # of plain words, «بورس NOT کرونا» read as «بورس OR (not کرونا)»: nearly
    # every article.
    parser.replace_plugin(qparser.OperatorsPlugin(Not=None))
    parser.add_plugin(qparser.PlusMinusPlugin(minusexpr=r"-|NOT\s+"))
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
        raise QueryError(f"the query {text!r} has no words to search for (only very common words, punctuation or excluded words)")
    return query
