"""Bytes of an article file -> text.

Persian news pages come as UTF-8 (most of them, sometimes with a BOM or with a
wrong ``charset`` declaration), as windows-1256 (older sites and archives,
declared or not) and now and then as UTF-16 with a BOM. ``decode_text`` picks
the encoding in this order:

1. a byte order mark (UTF-8, UTF-16 LE/BE) -- it always wins;
2. bytes that are valid UTF-8 (or UTF-8 with only a few broken sequences, e.g. a
   page truncated in the middle of a character) -> UTF-8, whatever the page
   declares: Persian text in windows-1256 is never valid UTF-8 by accident;
3. the declared charset, when the bytes decode with it (``arabic``, ``cp1256``,
   ``windows-1256`` all mean windows-1256; a Latin declaration on bytes that
   read as Persian in windows-1256 is taken as the usual mistake it is);
4. windows-1256 when the result looks like Persian/Arabic text;
5. windows-1252 with replacement characters, as a last resort.

Empty, whitespace-only and binary data raise :class:`UnreadableArticle`.
"""

from __future__ import annotations

import codecs
import re

from khabar.indexer.article import UnreadableArticle

__all__ = ["decode_text", "declared_charset", "stream_encoding"]

# How much of the file to look at for a charset declaration / binary sniffing.
_HEAD = 4096
_SNIFF = 8192

_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"""<\?xml\b[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)

# Labels that mean windows-1256 on Persian sites. Python maps "arabic" to
# ISO-8859-6, which cannot even encode پ چ ژ گ; Iranian pages that say
# "arabic" are windows-1256.
_CP1256_LABELS = frozenset(
    {"windows-1256", "cp1256", "arabic", "x-cp1256", "ms-arab", "win-1256", "windows1256"}
)
# Declarations that are commonly put on windows-1256 bytes by mistake.
_LATIN_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1",
                           "windows-1252", "cp1252", "us-ascii", "ascii", "iso-8859-15"})

# Control bytes that do not occur in text files (TAB, LF, VT, FF, CR and ESC
# are allowed).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_CONTROL_TABLE = bytes.maketrans(b"", b"")


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML/XML file declares in its first few KB, lower-cased.

    Finds ``<meta charset=...>``, ``<meta http-equiv="Content-Type"
    content="text/html; charset=...">`` and ``<?xml ... encoding="..."?>``.
    Returns None when there is no declaration.
    """
    head = data[:_HEAD]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    return match.group(1).decode("ascii").strip().lower() or None


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode the bytes of an article file (see the module doc for the rules).

    Raises :class:`UnreadableArticle` for empty or whitespace-only data and for
    binary data (NUL bytes or a high share of control bytes).
    """
    if not data.strip():
        raise UnreadableArticle("empty file")

    text = _decode_bom(data)
    if text is None:
        _reject_binary(data)
        text = _decode_sniffed(data, declared)

    if not text.strip():
        raise UnreadableArticle("empty file")
    if "\x00" in text:
        raise UnreadableArticle("binary file, not text")
    return text


def _decode_bom(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        # "utf-16" reads the BOM itself and drops it.
        payload = data if len(data) % 2 == 0 else data[:-1]
        return payload.decode("utf-16", errors="replace")
    return None


def _reject_binary(data: bytes) -> None:
    if b"\x00" in data:
        raise UnreadableArticle("binary file, not text")
    sample = data[:_SNIFF]
    controls = len(sample) - len(sample.translate(_CONTROL_TABLE, _CONTROL))
    if controls > 0.05 * len(sample):
        raise UnreadableArticle("binary file, not text (too many control bytes)")


def _decode_sniffed(data: bytes, declared: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # A file cut off inside a character: drop the partial character.
            try:
                return data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")

    codec = _codec_name(declared)
    if codec is not None and codec not in ("utf-8", "utf-16", "utf-32"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = None
        if text is not None:
            if codec == "cp1256" or not _is_latin(declared):
                return text
            # A Latin declaration on windows-1256 bytes: a classic mistake.
            arabic = data.decode("cp1256")
            return arabic if _looks_arabic(arabic) else text

    arabic = data.decode("cp1256", errors="replace")
    if _looks_arabic(arabic):
        return arabic
    return data.decode("cp1252", errors="replace")


def _mostly_utf8(data: bytes) -> bool:
    """True when the bytes are UTF-8 apart from a few broken sequences."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ch > "\x7f") - bad
    return non_ascii > 0 and bad <= max(2, non_ascii // 50)


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _CP1256_LABELS:
        return "cp1256"
    try:
        return codecs.lookup(label).name.replace("_", "-")
    except LookupError:
        return None


def _is_latin(label: str | None) -> bool:
    return (label or "").strip().lower() in _LATIN_LABELS


def _looks_arabic(text: str) -> bool:
    """Most non-ASCII letters are Arabic-script (Persian, Arabic, Urdu...)."""
    arabic = other = 0
    for ch in text:
        if ch > "\x7f":
            if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff":
                arabic += 1
            elif ch.isalpha():
                other += 1
    return arabic > 0 and arabic >= 4 * other


def stream_encoding(head: bytes, declared: str | None = None) -> str:
    """The codec to read a whole stream with, chosen by its first bytes (``head``).

    The rules of :func:`decode_text`, for text too large to be held at once
    (a CSV export, a JSON Lines dump): a BOM wins (``utf-8-sig``, ``utf-16``),
    then UTF-8 when the head is UTF-8 (a character cut at the head's end is
    allowed), the declared charset, windows-1256 when the head reads as
    Persian, windows-1252 last. Raises :class:`UnreadableArticle` for an empty
    or binary head. Read with ``errors="replace"``: a broken sequence further
    on is one U+FFFD, not a lost file.
    """
    if not head.strip():
        raise UnreadableArticle("empty file")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    _reject_binary(head)
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(head) - 3:
            return "utf-8"
    if _mostly_utf8(head):
        return "utf-8"
    codec = _codec_name(declared)
    if codec is not None and codec not in ("utf-8", "utf-16", "utf-32") and not _is_latin(declared):
        return codec
    if _looks_arabic(head.decode("cp1256", errors="replace")):
        return "cp1256"
    return "cp1252"
