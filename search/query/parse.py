"""Turning what a user types into a Whoosh query.

Syntax: words, "quoted phrases", -word to exclude, OR / AND / NOT, and field
prefixes (title:, keywords:, body:). Words are analysed by the same
Persian chain as the index, so letter variants, ZWNJ and digits meet.

Only those three prefixes are fields, in any case (``Title:``): the parser
is given a schema of the searchable text fields alone, and any other name
before a colon (``id:``, ``date:``) is an error that names it, never a search
of an internal field. A pasted web address is text (:class:`UrlPlugin`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from whoosh import qparser
from whoosh.fields import Schema
from whoosh.qparser import syntax
from whoosh.qparser.syntax import attach
from whoosh.query import NullQuery, Or, Query, Term

from khabar.indexer.errors import InputError
from khabar.indexer.safe_text import clean_text
from khabar.indexer.schema import ALL, BODY, DATE, JALALI_DAY, KEYWORDS, TITLE
from khabar.search.query.excluding import ExcludingPlugin
from khabar.search.query.phrases import WORD_START, ExactPhrasePlugin, HyphenatedWordPlugin

# Words without a field prefix search the combined field.
DEFAULT_FIELD = ALL
# The fields a query may name, and the index field each searches: ``body:``
# is the whole article (the body is not indexed on its own).
QUERY_FIELDS = {TITLE: TITLE, KEYWORDS: KEYWORDS, BODY: ALL}
# What a user naming one of these probably wanted instead.
_INSTEAD = {DATE: "dates go in --from and --to", JALALI_DAY: "dates go in --from and --to",
            "id": "khabar show ID prints one article"}
# How much of a query an error message repeats.
_SHOWN_CHARS = 200


class QueryError(InputError):
    """A query that cannot be searched; the message is one line."""


class QueryFieldsPlugin(qparser.FieldsPlugin):
    """``name:`` before a word, where the name is one of :data:`QUERY_FIELDS`;
    another name is a :class:`QueryError` that names it.

    Whoosh's own plugin turns names that are not in the schema back into
    words, so ``foo:`` was searched as the word «foo». Only a Latin name
    right before its colon is a prefix: Persian text and times (۱۰:۳۰,
    10:30) have colons that are not fields, and so has ``کرونا: ماسک``.
    """

    def __init__(self) -> None:
        # A field's own name (any case) may have a space after its colon, «title: کرونا»;
        # any other name only when a word follows at once («Note: …» is text).
        known = "|".join(QUERY_FIELDS)
        super().__init__(expr=rf"(?<![\w:/])(?P<text>(?i:{known})(?=:\s)|[A-Za-z_][A-Za-z0-9_]*(?=:(?:[^\s:]|$))):",
                         remove_unknown=False)

    def filters(self, parser):
        # Before FieldAliasPlugin (priority 90) renames body: to the combined field.
        return [(self.check_fieldnames, 80), *super().filters(parser)]

    def check_fieldnames(self, parser, group):
        nodes = self.joined(list(group))
        kept = group.empty_copy()
        for position, node in enumerate(nodes):
            if isinstance(node, syntax.GroupNode):
                node = self.check_fieldnames(parser, node)
            elif isinstance(node, syntax.FieldnameNode):
                name = clean_text(node.fieldname)
                if node.fieldname.lower() not in QUERY_FIELDS:
                    instead = f"; {_INSTEAD[name.lower()]}" if name.lower() in _INSTEAD else ""
                    raise QueryError(f"there is no field '{name}:' (search title:, keywords: or body:{instead})")
                node.fieldname = node.fieldname.lower()
                following = nodes[position + 1] if position + 1 < len(nodes) else None
                if following is None or following.is_ws() or isinstance(following, syntax.FieldnameNode):
                    raise QueryError(f"'{name}:' has nothing after it to search for "
                                     f"(write the word right after it: {node.fieldname}:کرونا)")
            kept.append(node)
        return kept

    @staticmethod
    def joined(nodes: list) -> list:
        """``nodes`` without the space between a field name and what follows it: «title: کرونا» is title:کرونا."""
        return [node for position, node in enumerate(nodes)
                if not (node.is_ws() and 0 < position < len(nodes) - 1
                        and isinstance(nodes[position - 1], syntax.FieldnameNode))]


class DanglingOperatorPlugin(qparser.Plugin):
    """``AND کرونا``, ``کرونا OR``, a lone ``NOT``: an operator with nothing on one side
    is a :class:`QueryError` that names it.

    Whoosh tags AND and OR only between spaces, and NOT only before one; an
    operator anywhere else was left as a word and searched as «and», «or».
    """

    OPERATORS = {"AND": "a word on each side", "OR": "a word on each side", "ANDNOT": "a word on each side",
                 "ANDMAYBE": "a word on each side", "NOT": "a word after it"}

    def filters(self, parser):
        return [(self.check_operators, 1)]

    def check_operators(self, parser, group):
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self.check_operators(parser, node)
            elif isinstance(node, syntax.WordNode) and node.text in self.OPERATORS:
                raise QueryError(f"'{node.text}' needs {self.OPERATORS[node.text]} "
                                 f"(to search for the word, quote it: \"{node.text}\")")
        return group


class UrlPlugin(qparser.TaggingPlugin):
    """A pasted web address (``https://…``, ``http://…``, ``www.…``) is text:
    the words of its path, percent-encoding decoded, any of which may match.

    A news site's address ends in the title's words (asriran's
    ``/fa/news/729967/سید-جلال-…``), so its article ranks first: 192 of 200
    ir-news addresses, 199 of 200 in the first ten. The host (``www``, ``com``)
    names no article and is left out. ``khabar show`` takes the address itself.
    Tagged before fields, so ``https:`` is not taken for a field name.
    """

    priority = -1
    # After a space, bracket or colon, or the minus of an exclusion (-https://…).
    expr = r'(?<![^\s(:\-])(?P<text>(?i:https?://[^\s()"]*|www\.[^\s()"]+))'

    class UrlNode(syntax.TextNode):
        def r(self):
            return f"URL {self.text!r}"

        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            analyzer = parser.schema[fieldname].analyzer
            words = dict.fromkeys(token.text for token in analyzer(url_words(self.text), mode="query"))
            return attach(Or([Term(fieldname, word) for word in words]) if words else NullQuery, self)

    def create(self, parser, match):
        return self.UrlNode(match.group("text"))


def url_words(url: str) -> str:
    """The text of a web address that names its article: the decoded path and query, as words."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    return re.sub(r"[/?&=_.+\-]+", " ", unquote(f"{parts.path} {parts.query}"))


class ExclusionPlugin(qparser.PlusMinusPlugin):
    """``-word`` (or ``NOT word``) excludes from its bracket, ``(سهام -بورس) OR کرونا``;
    a bracket holding only exclusions excludes from the words around it:
    ``سهام (-بورس)`` is ``سهام -بورس``.

    Whoosh sorts the minus only at the top of the query; a minus in a
    bracket was left in it, and the parse failed with the word «Minus».
    """

    def do_plusminus(self, parser, group):
        return super().do_plusminus(parser, self.nested(parser, group))

    def nested(self, parser, group):
        nodes: list = []
        spliced = False
        for node in group:
            if spliced and isinstance(node, syntax.InfixOperator):
                spliced = False  # «(-بورس) AND سهام»: the operator joined nothing
                continue
            spliced = False
            if isinstance(node, syntax.GroupNode):
                node = self.nested(parser, node)  # first its own brackets: «سهام ((-بورس))»
                if self.only_exclusions(node):
                    if nodes and isinstance(nodes[-1], syntax.InfixOperator):
                        nodes.pop()  # «سهام AND (-بورس)»
                    nodes.extend(node)
                    spliced = True
                    continue
                node = super().do_plusminus(parser, node)
            nodes.append(node)
        for before, node in zip(nodes, nodes[1:]):
            if isinstance(before, self.Minus) and isinstance(node, UrlPlugin.UrlNode):
                # Its words («news», «fa», the number) would exclude far more than one article.
                raise QueryError(f"a web address cannot be excluded ({clean_text(node.text)[:60]}): "
                                 "exclude words of its title instead")
        flat = group.empty_copy()
        flat.extend(nodes)
        return flat

    def only_exclusions(self, group) -> bool:
        nodes = list(group)
        return bool(nodes) and all(isinstance(node, self.Minus) if position % 2 == 0
                                   else not isinstance(node, (self.Minus, self.Plus))
                                   for position, node in enumerate(nodes))


def query_schema(schema: Schema) -> Schema:
    """The fields of ``schema`` a query can reach: the text fields behind :data:`QUERY_FIELDS`."""
    fields = Schema()
    for name in dict.fromkeys(QUERY_FIELDS.values()):
        fields.add(name, schema[name])
    return fields


_EXCLUDE = WORD_START.replace(":", "") + r"(?:-(?=[^\s\-])|NOT\s+)"


def make_parser(schema: Schema, *, all_words: bool = False) -> qparser.QueryParser:
    """khabar's query parser; plain words are any of them, or with ``all_words`` every one required."""
    parser = qparser.QueryParser(DEFAULT_FIELD, query_schema(schema),
                                 group=qparser.AndGroup if all_words else qparser.OrGroup)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.add_plugin(QueryFieldsPlugin())
    aliases: dict[str, list[str]] = {}
    for name, field in QUERY_FIELDS.items():
        if name != field:
            aliases.setdefault(field, []).append(name)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    # Plain search text should not turn into expensive or surprising queries.
    for plugin in (qparser.WildcardPlugin, qparser.BoostPlugin, qparser.RangePlugin):
        parser.remove_plugin_class(plugin)
    parser.remove_plugin_class(qparser.PhrasePlugin)
    parser.add_plugin(ExactPhrasePlugin())
    parser.add_plugin(HyphenatedWordPlugin())
    parser.add_plugin(UrlPlugin())
    parser.add_plugin(DanglingOperatorPlugin())
    # NOT means what -word means. As Whoosh's prefix operator, inside the OR
    # of plain words, «بورس NOT کرونا» read as «بورس OR (not کرونا)»: nearly
    # every article.
    parser.replace_plugin(qparser.OperatorsPlugin(Not=None))
    # A minus excludes at the start of a word only, and only a word: the
    # hyphen of «کووید-۱۹» joins, and «گریت- سرکانه» excludes nothing.
    parser.add_plugin(ExclusionPlugin(minusexpr=_EXCLUDE))
    parser.add_plugin(ExcludingPlugin())  # whoosh3's exclusion, mended
    return parser


_QUOTED = re.compile(r'"[^"]*"')


def malformed(text: str) -> str | None:
    """What is wrong with the quotes or brackets of ``text``, in a few words, or None.

    Whoosh's parser takes these silently and searches something else: an
    unclosed quote becomes plain words. (Fields are checked while parsing,
    by :class:`QueryFieldsPlugin`.)
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
    return None


def shown(text: str) -> str:
    """A query as an error message repeats it: quoted, cleaned, and cut short if long."""
    text = " ".join(clean_text(text).split())
    return f"'{text[:_SHOWN_CHARS]}{'…' if len(text) > _SHOWN_CHARS else ''}'"


def parse_query(text: str, schema: Schema, *, all_words: bool = False) -> Query:
    """Parse ``text``; raise :class:`QueryError` when it is malformed or nothing searchable is left.
    ``all_words``: plain words all required (as if joined by AND), not any of them."""
    if not text.strip():
        raise QueryError("the query is empty")
    problem = malformed(text)
    if problem:
        raise QueryError(f"cannot understand the query {shown(text)}: {problem}")
    try:
        query = make_parser(schema, all_words=all_words).parse(text)
    except QueryError as error:
        raise QueryError(f"cannot understand the query {shown(text)}: {error}") from None
    except Exception as error:  # whoosh's parser raises assorted errors on odd input
        raise QueryError(f"cannot understand the query {shown(text)}: {clean_text(error)}") from error
    if query is NullQuery or not any(True for _ in query.iter_all_terms()):
        raise QueryError(f"the query {shown(text)} has no words to search for "
                         "(only very common words, punctuation or excluded words)")
    return query
