"""The stemmer's lexicon looked up in its cached file's bytes, undecoded and unsplit, for the few hundred words a
search asks about; split into lists only once it is asked often (an indexing run)."""

from __future__ import annotations

import random

from khabar.indexer.persian.stemmer import SortedWords, lexicon, stem


def test_lines_answer_as_the_list_does():
    lex = lexicon()
    rng = random.Random(14)
    for words in (lex.known, lex.noun, lex.nominal, lex.adjectival):
        listed = list(words)
        lines = SortedWords.from_lines("\n".join(listed).encode("utf-8"))
        probes = rng.sample(listed, 500) + [listed[0], listed[-1], "", "\n", "\ud800", listed[0][:-1], listed[-1] + "ی"]
        probes += [word + "ها" for word in rng.sample(listed, 200)] + [word[1:] for word in rng.sample(listed, 200)]
        assert [word in lines for word in probes] == [word in set(listed) for word in probes]
        assert list(lines) == listed and len(lines) == len(listed)


def test_a_few_lookups_split_nothing_and_many_split_once():
    lines = SortedWords.from_lines("\n".join(sorted(["کتاب", "ایران", "تهران", "خبر"])).encode("utf-8"))
    assert "ایران" in lines and "ایرا" not in lines
    assert lines._words is None  # still the text: a search's lookups
    for _ in range(SortedWords.LOOKUPS_BEFORE_SPLIT):
        assert "تهران" in lines
    assert lines._words == sorted(["کتاب", "ایران", "تهران", "خبر"])  # an indexing run's: a list now
    assert "خبر" in lines and "خبرها" not in lines


def test_a_search_process_splits_no_lexicon(bundled_index):
    from khabar.search.engine import search

    lexicon.cache_clear()
    try:
        assert search(bundled_index, "شمار مبتلایان کرونا").total
        assert all(words._words is None for words in (lexicon().known, lexicon().noun, lexicon().nominal,
                                                       lexicon().adjectival))
        assert stem("کتابها") == "کتاب"
    finally:
        lexicon.cache_clear()
