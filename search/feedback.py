"""Blind relevance feedback: widen a query with the words of its best hits.

The top hits of a first pass are taken as relevant; Bo1 (divergence from
randomness, Whoosh's ``classify.Expander``) picks the words that are unusually
frequent in them, and those are added with a small weight. On the Hamshahri
judgments, over In_expB2 ranking, feedback from the top 3 (Terrier's default)
gained 1.3 MAP points but lost 1.1 nDCG@10 points, and 5 or 10 documents
lost both, at ~2.5x the query time: an option (``khabar search --expand``),
not the default (docs/ranking.md).
"""

from __future__ import annotations

from whoosh.query import Or, Query, Term

FEEDBACK_DOCS = 3  # 5: 0.831 / 0.876, 10: 0.840 / 0.889 (MAP / nDCG@10)
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.2
FIELD = "all"


def expand_query(searcher, query: Query, first_pass: Query | None = None) -> Query:
    """``query`` OR the expansion terms drawn from the top hits of ``first_pass`` (default ``query``)."""
    from whoosh.classify import Bo1Model, Expander

    top = searcher.search(first_pass if first_pass is not None else query, limit=FEEDBACK_DOCS)
    if top.is_empty():
        return query
    expander = Expander(searcher.reader(), FIELD, Bo1Model)
    for hit in top:
        expander.add_text(f"{hit.get('title', '')}\n{hit.get('body', '')}")
    asked = {text for _field, text in query.iter_all_terms()}
    found = expander.expanded_terms(FEEDBACK_TERMS + len(asked))
    terms = [(term, weight) for term, weight in found if term not in asked][:FEEDBACK_TERMS]
    if not terms or not terms[0][1]:
        return query
    strongest = terms[0][1]
    extra = Or([Term(FIELD, term, boost=FEEDBACK_WEIGHT * weight / strongest) for term, weight in terms])
    return Or([query, extra])
