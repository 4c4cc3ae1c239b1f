"""Turning what a user types into a Whoosh query.

Syntax: words, "quoted phrases", -word to exclude, OR / AND / NOT, and field
prefixes (title:, keywords:, body:). Words are analysed by the same
Persian chain as the index, so letter variants, ZWNJ and digits meet.
"""

from __future__ import annotations

import re

from whoosh import qparser

from khabar.indexer.errors import InputError
from whoosh.query import NullQuery, Query

from khabar.search.query.phrases import ExactPhrasePlugin

# Words without a field prefix search the combined field; ``body:`` is an
# alias of it (the body is not indexed on its own).
DEFAULT_FIELD = "all"
FIELD_ALIASES = {"all": ["body", "text"]}


class QueryError(InputError):
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


# ``name:`` before a word, as a field prefix. A Latin name only: Persian text
# and times (۱۰:۳۰, 10:30) have colons that are not fields.
_FIELD_PREFIX = re.compile(r"(?<![\w:/])([A-Za-z_][A-Za-z0-9_]*):(?=[^\s:])")
_QUOTED = re.compile(r'"[^"]*"')


def malformed(text: str, schema) -> str | None:
    """What is wrong with the syntax of ``text``, in a few words, or None.

    Whoosh's parser takes these silently and searches something else: an
    unclosed quote becomes plain words, ``foo:`` finds nothing at all.
    """
    if text.count('"') % 2:
        return 'a quote (") is not closed'
    plain = _QUOTED.sub(" ", text)
    depth = 0
    for char in plain:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "a ')' has no '(' before it"
    if depth:
        return "a '(' is not closed"
    known = {name for name, field in schema.items() if field.indexed}
    known.update(alias for aliases in FIELD_ALIASES.values() for alias in aliases)
    for match in _FIELD_PREFIX.finditer(plain):
        if match.group(1) not in known:
            return f"there is no field '{match.group(1)}:' (search title:, keywords: or body:)"
    return None


def parse_query(text: str, schema) -> Query:
    """Parse ``text``; raise :class:`QueryError` when nothing searchable is left."""
    if not text.strip():
        raise QueryError("the query is empty")
    problem = malformed(text, schema)
    if problem:
        raise QueryError(f"cannot understand the query {text!r}: {problem}")
    try:
        query = make_parser(schema).parse(text)
    except Exception as error:  # whoosh's parser raises assorted errors on odd input
        raise QueryError(f"cannot understand the query {text!r}: {error}") from error
    if query is NullQuery or not any(True for _ in query.iter_all_terms()):
        raise QueryError(f"the query {text!r} has no words to search for (only very common words, punctuation or excluded words)")
    return query
