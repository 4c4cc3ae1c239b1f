"""How a user names one article for ``show``: its id, its web address as a browser
gives it, or the path of the file it was read from.

An article's id is its own id, else its URL, else where it was read (an
absolute path, with ``#record`` inside a file of many): see the indexer's
``_doc_id``. People copy addresses from a browser (percent-encoded, ``http``
for ``https``, without ``www``, without the title slug, with a trailing
slash) and paths relative to where they stand; each of these finds the
article, and a file that holds one article finds it without its ``#record``. Several articles can share a news number (asriran republishes
``/fa/news/731511/`` under an edited slug): the exact address wins, and an
address that only matches several is an :class:`AmbiguousId` naming them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from khabar.indexer.addresses import address_key, news_item
from khabar.indexer.errors import InputError
from khabar.indexer.safe_text import clean_text

# How many candidates an error names.
_NAMED = 5


class AmbiguousId(InputError):
    """A web address that matches several articles and none exactly, or a file of several
    articles named without the record; the message names them."""


def path_forms(text: str) -> list[str]:
    """A path as the index may hold it: absolute against the current folder, normalised, links resolved."""
    expanded = os.path.expanduser(text.strip())
    forms = [os.path.abspath(expanded), os.path.realpath(expanded)]
    return list(dict.fromkeys(form for form in forms if form != text))


def matching_path(wanted: str, ids: Iterable[str]) -> str | None:
    """The id among ``ids`` that is the path ``wanted`` once both are normalised, or None.

    The indexer keeps a path as it was reached (``/home/me/../news/a.txt``), so
    the path a user types (``news/a.txt``, resolved against the current folder)
    is compared with each path id, both with ``..``, ``.`` and ``//`` taken out.
    A file of several records (``feed.jsonl#L3``) named without its ``#``: its
    one article, or an :class:`AmbiguousId` naming them.
    """
    key = os.path.normpath(os.path.abspath(os.path.expanduser(wanted.strip())))
    same: list[str] = []
    inside: list[str] = []
    for candidate in ids:
        if not candidate.startswith("/"):
            continue
        normal = os.path.normpath(candidate)
        if normal == key:
            same.append(candidate)
        elif normal.startswith(f"{key}#"):
            inside.append(candidate)
    return _one(wanted, same or inside, "holds")


def _one(wanted: str, found: list[str], verb: str) -> str | None:
    """The one id ``wanted`` names, None for none, or an :class:`AmbiguousId` naming a few."""
    if len(found) > 1:
        named = ", ".join(clean_text(found_id) for found_id in sorted(found)[:_NAMED])
        more = f" and {len(found) - _NAMED} more" if len(found) > _NAMED else ""
        raise AmbiguousId(f"{clean_text(wanted.strip())} {verb} {len(found)} articles: {named}{more} "
                          "(give the one you mean)")
    return found[0] if found else None


def matching_address(wanted: str, searcher) -> str | None:
    """The id of the one article whose web address is ``wanted`` in another form, or None.

    The same address (:func:`indexer.addresses.address_key`, indexed for every article
    with a URL, whatever its id) wins; else the same news item (no slug, or another
    one). Several of either, and no exact one, is an :class:`AmbiguousId`.
    """
    key = address_key(wanted)
    found = [stored["id"] for stored in searcher.documents(address=key)]
    if not found and (item := news_item(key)) is not None:
        found = [stored["id"] for stored in searcher.documents(news_item=item)]
    return _one(wanted, found, "matches")
