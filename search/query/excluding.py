"""Exclusion (``-word``, ``NOT``, ``ANDNOT``) that leaves out every article holding the word.

whoosh3's ``AndNotMatcher`` checks, when it starts, only whether the excluded
list is *at* the first candidate; when the excluded list starts earlier it is
not moved up, so the first candidate of a segment is kept even when it holds
the excluded word («بورس -سهام» sorted by date found 45 where 44 are right).
Queries the fast path scores never meet it (:mod:`search.scoring.sparse` does
its own exclusion); ``--sort date``, ``--by`` counts of other shapes and
bracketed queries go through Whoosh, and do.

Whoosh's own way of mending it: a matcher that starts right, the query that
makes it, and a parser plugin that has every exclusion group build that query.
"""

from __future__ import annotations

from whoosh import qparser
from whoosh.matching import AndNotMatcher
from whoosh.qparser import syntax
from whoosh.query import AndNot


class ExcludingMatcher(AndNotMatcher):
    """``AndNotMatcher`` whose first match, too, holds none of the excluded postings."""

    def __init__(self, a, b) -> None:
        super().__init__(a, b)
        self._move_past_excluded()

    def reset(self) -> None:
        super().reset()
        self._move_past_excluded()

    def _move_past_excluded(self) -> None:
        wanted, excluded = self.a, self.b
        while wanted.is_active() and excluded.is_active():
            if excluded.id() < wanted.id():
                excluded.skip_to(wanted.id())
            elif excluded.id() == wanted.id():
                wanted.next()
            else:
                break


class Excluding(AndNot):
    """``a ANDNOT b`` matched by :class:`ExcludingMatcher` (a subclass, so code that
    recognises an ``AndNot`` recognises it)."""

    def matcher(self, searcher, context=None):
        return ExcludingMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))


class ExcludingPlugin(qparser.Plugin):
    """Has every exclusion group the parser makes (``-word``, ``ANDNOT``) build :class:`Excluding`."""

    # After the plus/minus (510) and operator (600) filters have made the groups.
    priority = 1000

    def filters(self, parser):
        return [(self.use_excluding, self.priority)]

    def use_excluding(self, parser, group):
        if isinstance(group, syntax.AndNotGroup):
            group.qclass = Excluding
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self.use_excluding(parser, node)
        return group
