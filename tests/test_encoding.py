"""Tests for indexer.encoding: bytes of an article file -> str."""

from __future__ import annotations

import codecs

import pytest

from khabar.indexer.article import UnreadableArticle
from khabar.indexer.encoding import declared_charset, decode_text

# Real sentences: ir-news asriran_2_data_252.txt (written with the Arabic yeh,
# so windows-1256 can encode it) and asriran_1_data_656.txt.
ARABIC_YEH = "دو نفر که پسربچه‌اي 10ساله را ربوده بودند، دستگير شدند و کودک از چنگ آنها آزاد شد."
PERSIAN = "همچنین متقاضیان برق می‌توانند هزینه انشعابات درخواستی را در سه قسط پرداخت کنند."


def html(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>خبر</title></head><body><p>{text}</p></body></html>"


# ---------------------------------------------------------------- decode_text


def test_plain_utf8_is_decoded():
    assert decode_text(PERSIAN.encode("utf-8")) == PERSIAN


def test_zwnj_is_kept():
    assert "\u200c" in decode_text(PERSIAN.encode("utf-8"))


def test_utf8_bom_is_removed():
    data = codecs.BOM_UTF8 + PERSIAN.encode("utf-8")
    assert decode_text(data) == PERSIAN


def test_utf8_bom_wins_over_declared_charset():
    data = codecs.BOM_UTF8 + PERSIAN.encode("utf-8")
    assert decode_text(data, "windows-1256") == PERSIAN


def test_utf16_le_bom():
    data = codecs.BOM_UTF16_LE + PERSIAN.encode("utf-16-le")
    assert decode_text(data) == PERSIAN


def test_utf16_be_bom():
    data = codecs.BOM_UTF16_BE + PERSIAN.encode("utf-16-be")
    assert decode_text(data) == PERSIAN


@pytest.mark.parametrize("label", ["windows-1256", "cp1256", "arabic", "Windows-1256", "x-cp1256"])
def test_declared_windows_1256_aliases(label):
    data = html(ARABIC_YEH).encode("cp1256")
    assert ARABIC_YEH in decode_text(data, label)


def test_wrong_declaration_ignored_for_utf8_bytes():
    data = html(PERSIAN, '<meta charset="windows-1256">').encode("utf-8")
    assert PERSIAN in decode_text(data, "windows-1256")


def test_undeclared_windows_1256_is_sniffed():
    data = html(ARABIC_YEH).encode("cp1256")
    assert ARABIC_YEH in decode_text(data)


def test_latin_declaration_on_windows_1256_bytes():
    data = html(ARABIC_YEH).encode("cp1256")
    assert ARABIC_YEH in decode_text(data, "iso-8859-1")


def test_latin_declaration_on_latin_text_is_kept():
    text = "Le café de la gare a fermé ses portes à Genève après quarante années."
    assert decode_text(text.encode("latin-1"), "iso-8859-1") == text


def test_truncated_utf8_drops_the_partial_character():
    data = PERSIAN.encode("utf-8")
    cut = data[: data.index("قسط".encode("utf-8")) + 1]  # inside the two-byte "ق"
    assert decode_text(cut) == PERSIAN[: PERSIAN.index("قسط")]


def test_stray_byte_in_utf8_is_replaced_not_misread_as_windows_1256():
    data = PERSIAN.encode("utf-8") + b" \xff " + PERSIAN.encode("utf-8")
    assert decode_text(data) == f"{PERSIAN} \ufffd {PERSIAN}"


def test_nul_bytes_are_binary():
    with pytest.raises(UnreadableArticle, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_control_bytes_are_binary():
    data = bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 50 + PERSIAN.encode("utf-8")
    with pytest.raises(UnreadableArticle, match="binary"):
        decode_text(data)


def test_empty_data():
    with pytest.raises(UnreadableArticle, match="^empty file$"):
        decode_text(b"")


def test_whitespace_only_data():
    with pytest.raises(UnreadableArticle, match="^empty file$"):
        decode_text(b" \r\n\t\n  ")


def test_bom_only_is_empty():
    with pytest.raises(UnreadableArticle, match="^empty file$"):
        decode_text(codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"))


def test_unknown_declared_charset_is_ignored():
    data = html(ARABIC_YEH).encode("cp1256")
    assert ARABIC_YEH in decode_text(data, "no-such-charset")


# ---------------------------------------------------------------- declared_charset


def test_meta_charset():
    assert declared_charset(b'<html><head><meta charset="windows-1256">') == "windows-1256"


def test_meta_charset_unquoted_upper_case():
    assert declared_charset(b"<HTML><HEAD><META CHARSET=UTF-8>") == "utf-8"


def test_meta_http_equiv_content_type():
    data = b'<meta http-equiv="Content-Type" content="text/html; charset=Windows-1256" />'
    assert declared_charset(data) == "windows-1256"


def test_meta_content_before_http_equiv():
    data = b"<meta content='text/html;charset=arabic' http-equiv='content-type'>"
    assert declared_charset(data) == "arabic"


def test_xml_prolog_encoding():
    assert declared_charset(b'<?xml version="1.0" encoding="windows-1256"?><rss/>') == "windows-1256"


def test_no_declaration():
    assert declared_charset(html(PERSIAN).encode("utf-8")) is None


def test_declaration_past_the_first_kilobytes_is_not_seen():
    data = b"<html><head>" + b" " * 10_000 + b'<meta charset="windows-1256">'
    assert declared_charset(data) is None
