"""The forms of a web address, so that an article is found by its address however it is copied.

People copy addresses from a browser percent-encoded, with ``http`` for ``https``,
without ``www``, without the title slug, with a trailing slash. :func:`address_key`
is the one spelling all of these share, and :func:`news_item` the address up to its
news number (``asriran.com/fa/news/731511``). The indexer keeps both for each article
with a URL (``schema.ADDRESS`` and ``schema.NEWS_ITEM``), so that ``khabar show URL``
is a term lookup, whatever the article's id.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from .persian.folding import fold

# What a web address starts with: a scheme, www., or a host name and a slash (asriran.com/fa/…).
_WEB_ADDRESS = re.compile(r"(?i)^(?:https?://|www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/)")
# A path segment that numbers a news item (asriran 731511, FarsNews 13990516000220);
# years (2020) and days (01) are shorter.
_NEWS_NUMBER = re.compile(r"\d{5,}")


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
