"""Persian analysis: the decisions of docs/persian-analysis, each on real words."""

from __future__ import annotations

import pytest

from khabar.indexer.persian.analyzer import persian_analyzer
from khabar.indexer.persian.folding import FOLD_TABLE, LINE_FOLD_TABLE, fold, keyword_key
from khabar.indexer.persian.stemmer import stem

from conftest import SEED


def terms(text: str) -> list[str]:
    return [token.text for token in persian_analyzer()(text)]


def spans(text: str) -> list[tuple[str, int, int, int]]:
    return [(t.text, t.pos, t.startchar, t.endchar) for t in persian_analyzer()(text, positions=True, chars=True)]


@pytest.mark.parametrize("written", ["تعاونی‌ها", "تعاونی ها", "تعاونیها", "تعاونی", "تعاوني", "تعاونی‌های"])
def test_zwnj_space_and_glued_plural_meet(written):
    assert terms(written) == ["تعاونی"]


@pytest.mark.parametrize("written, folded", [
    ("ايران", "ایران"), ("كرونا", "کرونا"), ("۴۶", "46"), ("٤٦", "46"), ("اِعلام", "اعلام"),
    ("خانۀ", "خانه"), ("آمریکا", "امریکا"), ("COVID", "covid"),
])
def test_letter_digit_and_mark_variants_fold(written, folded):
    assert fold(written) == folded


def test_line_folding_is_one_character_for_one_and_agrees_with_term_folding():
    # Readers match patterns on a line folded with LINE_FOLD_TABLE and slice the raw line.
    for code, replacement in LINE_FOLD_TABLE.items():
        assert isinstance(replacement, str) and len(replacement) == 1, chr(code)
        if replacement != " ":  # ZWNJ, no-break space and direction marks separate words there
            assert FOLD_TABLE[code] == replacement, chr(code)
    for code, replacement in FOLD_TABLE.items():
        if isinstance(replacement, str):  # every letter and digit the terms fold, lines fold too
            assert LINE_FOLD_TABLE[code] == replacement, chr(code)


@pytest.mark.parametrize("variants", [("هیئت", "هیأت", "هیات", "هيئت"), ("مسئله", "مساله", "مسأله"), ("رئیس", "رییس")])
def test_hamza_spelling_variants_meet(variants):
    assert len({tuple(terms(v)) for v in variants}) == 1


@pytest.mark.parametrize("word", ["ایران", "تهران", "لرستان", "شهرستان", "دانش", "بنیان", "تومان", "تنها", "کرد"])
def test_stemmer_leaves_lexicon_words_alone(word):
    assert stem(fold(word)) == fold(word)


@pytest.mark.parametrize("written, stemmed", [
    ("دستگاههای", "دستگاه"), ("بزرگترین", "بزرگ"), ("کتابها", "کتاب"), ("چشمها", "چشم"), ("تعاونیها", "تعاونی"),
])
def test_stemmer_strips_glued_suffixes(written, stemmed):
    assert stem(fold(written)) == stemmed


def test_offsets_point_at_the_original_text():
    text = "۴۶ میلیارد تومان برای تعاونی‌های دانش‌بنیان"
    for term, _pos, start, end in spans(text):
        assert fold(text[start:end]).startswith(term[:2]), (term, text[start:end])
    assert spans(text)[0] == ("46", 0, 0, 2)
    assert ("تعاونی", 4, 22, 28) in spans(text)


def test_stopwords_keep_their_positions_so_phrases_stay_exact():
    # «وزیر به تهران» must not look like the phrase «وزیر تهران».
    positions = {term: pos for term, pos, _s, _e in spans("وزیر به تهران")}
    assert positions["تهران"] - positions["وزیر"] == 2


def test_affix_pieces_and_function_words_are_not_terms():
    assert terms("می‌گیرد و از این") == ["گیرد"]
    # Content words that hazm's stoplist drops stay searchable.
    assert terms("بزرگ جدید رشد تغییر بخش") == ["بزرگ", "جدید", "رشد", "تغییر", "بخش"]


def test_decimals_and_thousands_stay_one_token():
    assert terms("3.5 درصد") == ["3.5", "درصد"]
    assert terms("۳٫۵") == ["3.5"]
    assert terms("302,746") == ["302746"]


def test_seed_article_terms_meet_their_query_forms():
    body = SEED.read_text(encoding="utf-8")
    indexed = set(terms(body))
    for query in ("تعاونی دانش بنیان", "تعاونیهای دانش‌بنیان", "رومشکان", "46 میلیارد", "۴۶", "لرستان"):
        assert set(terms(query)) <= indexed, query


def test_keyword_key_joins_zwnj_and_space_variants():
    assert keyword_key("دانش‌بنیان") == keyword_key("دانش  بنيان") == "دانش بنیان"
