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
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from khabar.indexer.errors import InputError
from khabar.indexer.persian.folding import fold
from khabar.indexer.safe_text import clean_text

# What a web address starts with: a scheme, www., or a host name and a slash (asriran.com/fa/…).
_WEB_ADDRESS = re.compile(r"(?i)^(?:https?://|www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/)")
# A path segment that numbers a news item (asriran 731511, FarsNews 13990516000220);
# years (2020) and days (01) are shorter.
_NEWS_NUMBER = re.compile(r"\d{5,}")
# How many candidates an error names.
_NAMED = 5


class AmbiguousId(InputError):
    """A web address that matches several articles and none exactly, or a file of several
    articles named without the record; the message names them."""


def is_web_address(text: str) -> bool:
    return bool(_WEB_ADDRESS.match(text.strip()))


def address_key(url: str) -> str:
    """One spelling of a web address: no scheme, ``www.``, default port, fragment or trailing
    slash; percent-encoding decoded, repeated slashes as one, letters folded as the index folds them."""
    url = url.strip()
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").removeprefix("www.")
    path = re.sub(r"/{2,}", "/", unquote(parts.path)).rstrip("/")
    query = f"?{unquote(parts.query)}" if parts.query else ""
    return fold(f"{host}{path}{query}")


def news_item(key: str) -> str | None:
    """An address key up to its news number (``asriran.com/fa/news/731511``), or None when it has none."""
    segments = key.split("?", 1)[0].split("/")
    numbered = [position for position, segment in enumerate(segments) if _NEWS_NUMBER.fullmatch(segment)]
    return "/".join(segments[: numbered[-1] + 1]) if numbered else None


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


def matching_address(wanted: str, ids: Iterable[str]) -> str | None:
    """The one id among ``ids`` that is the web address ``wanted`` in another form, or None.

    The same address (:func:`address_key`) wins; else the same news item
    (:func:`news_item`: no slug, or another one). Several of either, and no
    exact one, is an :class:`AmbiguousId`.
    """
    key = address_key(wanted)
    item = news_item(key)
    host = key.split("/", 1)[0]
    same: list[str] = []
    same_item: list[str] = []
    for candidate in ids:
        if host not in candidate.lower() or not is_web_address(candidate):
            continue  # cheap: most ids are of other sites
        candidate_key = address_key(candidate)
        if candidate_key == key:
            same.append(candidate)
        elif item is not None and news_item(candidate_key) == item:
            same_item.append(candidate)
    return _one(wanted, same or same_item, "matches")
