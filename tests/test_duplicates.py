"""Near-duplicate detection (indexer/duplicates.py) on real articles: copies found, near-misses kept apart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import FIXTURES
from khabar.indexer import duplicates
from khabar.indexer.duplicates import (NO_SIGNATURE, SIGNATURE_BYTES, candidate_pairs, same_story, signature,
                                       signatures, similarity)

NEWS = FIXTURES / "duplicates" / "news"
PAIRS = FIXTURES / "duplicates" / "pairs.tsv"


def article(name: str) -> dict:
    return json.loads((NEWS / f"{name}.jsonl").read_text(encoding="utf-8"))


def story(name: str) -> tuple[str, str]:
    record = article(name)
    return record["title"], record["body"]


def estimated(first: str, second: str) -> float:
    a, b = (signatures(signature(article(name)["body"]), 1)[0] for name in (first, second))
    return float(similarity(a, b))


@pytest.mark.parametrize("first, second", [
    ("oil-asriran", "oil-tabnak"),  # republished by another agency, word for word
    ("quake-slug1", "quake-slug2"),  # one asriran news number under two slugs, a word added
])
def test_copies_are_one_story(first, second):
    assert same_story(story(first), story(second))
    assert estimated(first, second) >= duplicates.THRESHOLD


@pytest.mark.parametrize("first, second", [
    ("dollar-19-esfand", "dollar-20-esfand"),  # one template, the next day's prices
    ("pickle-haft-bijar", "pickle-piaz"),  # one intro, another dish named in it
])
def test_near_misses_stay_apart(first, second):
    # Their shingles overlap as much as edited copies' do: the facts tell them apart.
    assert estimated(first, second) >= 0.6
    assert not same_story(story(first), story(second))
    assert not same_story(story(second), story(first))


def test_lsh_proposes_the_copies_among_all_the_articles():
    names = sorted(path.stem for path in NEWS.glob("*.jsonl"))
    sigs = signatures(b"".join(signature(article(name)["body"]) for name in names), len(names))
    proposed = {(names[i], names[j]) for i, j, _ in candidate_pairs(sigs)}
    assert ("oil-asriran", "oil-tabnak") in proposed
    assert ("quake-slug1", "quake-slug2") in proposed
    assert not any(name.startswith("oil") and other.startswith("quake") for name, other in proposed)


def test_signatures_are_stable_and_fixed_width():
    body = article("oil-asriran")["body"]
    assert signature(body) == signature(body)
    assert len(signature(body)) == SIGNATURE_BYTES
    # Letters and digits as another agency may write them: the same signature.
    arabic = body.replace("ی", "ي").replace("ک", "ك")
    assert signature(arabic) == signature(body)


def test_a_text_too_short_to_compare_has_no_signature_and_no_copies():
    short = "وزیر نفت گفت."
    assert signature(short) == NO_SIGNATURE
    sigs = signatures(signature(short) * 2, 2)
    assert candidate_pairs(sigs) == []
    assert not same_story(("", short), ("", short))


def test_the_labelled_pairs_are_well_formed():
    lines = PAIRS.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["id_a", "id_b", "label", "kind"]
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == 4 and row[2] in ("same", "different") and row[0] != row[1] for row in rows)
    kinds = {row[3] for row in rows}
    assert {"republished", "two-slugs", "price-report", "round-up", "match-report"} <= kinds
    same = [row for row in rows if row[2] == "same" and row[3] in ("republished", "two-ids", "two-slugs")]
    assert len(same) == 24  # the copy groups of the issue (one pair is both republished and two slugs)
    assert len([row for row in rows if row[2] == "different"]) >= len(same)
    assert len({tuple(sorted(row[:2])) for row in rows}) == len(rows)


def test_copies_word_for_word_join_the_first_and_alike_texts_pair_with_each_other():
    oil = article("oil-asriran")["body"]
    quake, edited = article("quake-slug1")["body"], article("quake-slug2")["body"]
    shortened = edited.split(". ", 1)[1]  # the edited copy without its first sentence
    bodies = [oil, quake, oil, edited, oil, shortened]
    sigs = signatures(b"".join(signature(body) for body in bodies), len(bodies))
    found = candidate_pairs(sigs)
    assert [(i, j) for i, j, alike in found if alike == 1.0] == [(0, 2), (0, 4)]
    assert {(i, j) for i, j, alike in found if alike < 1.0} == {(1, 3), (1, 5), (3, 5)}
    assert [alike for *_, alike in found] == sorted((alike for *_, alike in found), reverse=True)
    assert np.array_equal(sigs[0], sigs[2])


def test_fixture_articles_are_real_corpus_articles():
    """The fixtures are ir-news articles: each is in the shared corpus (skipped without it)."""
    from conftest import shared_corpus

    dataset = shared_corpus("ir-news/Dataset")
    urls = {article(path.stem)["url"] for path in NEWS.glob("*.jsonl")}
    found = set()
    for path in Path(dataset).glob("*.txt"):
        head = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        parts = head.split("###")
        if len(parts) > 2 and parts[2] in urls:
            found.add(parts[2])
    assert found == urls


def test_every_labelled_pair_is_judged_as_labelled_where_it_must_be():
    """On the shared corpora: the 24 two-URL pairs are one story, and no near-miss of a
    template (price reports, notices, recipes, round-ups, match reports) is merged. Edited
    and reworded copies may be missed, and one pair on one topic (an article that quotes
    another whole) is at the threshold: bench/duplicates.py measures those
    (docs/duplicates.md)."""
    from khabar.indexer.readers import read_file
    from conftest import shared_corpus

    irnews = shared_corpus("ir-news/Dataset")
    fars = shared_corpus("farsnews-varzesh3/exploring-datasets")
    rows = [line.split("\t") for line in PAIRS.read_text(encoding="utf-8").splitlines()[1:]]
    wanted = {doc_id for row in rows for doc_id in row[:2]}
    files = [*fars.rglob("*.json")]
    for path in irnews.glob("*.txt"):  # an IR-News file names its URL on its first line
        with path.open(encoding="utf-8", errors="replace") as file:
            head = file.readline().split("###")
        if len(head) > 2 and head[2] in wanted:
            files.append(path)
    texts = {}
    for path in files:
        for _key, found in read_file(path).articles:
            doc_id = found.id or found.url
            if doc_id in wanted:
                texts[doc_id] = (found.title, found.body)
    assert wanted <= set(texts)
    wrong = [(kind, a) for a, b, label, kind in rows
             if (label == "different" and kind != "same-topic" and same_story(texts[a], texts[b]))
             or (kind in ("republished", "two-ids", "two-slugs") and not same_story(texts[a], texts[b]))]
    assert wrong == []


def test_a_decimal_figure_is_one_fact():
    # The same daily report with the point moved from one price to another: «28.5 … 30» and
    # «28 … 30.5». Read as words, both name 28, 5 and 30, and the two were one story.
    import re

    title, body = story("dollar-19-esfand")
    body = body[:400]  # short enough that two figures are more than the 5% of a copy word for word
    first, second = [match for match in re.finditer(r"[0-9۰-۹]+", body)][:2]
    point_on_first = body[:first.end()] + "٫۵" + body[first.end():]
    point_on_second = body[:second.end()] + "٫۵" + body[second.end():]
    assert same_story((title, point_on_first), (title, point_on_first))
    assert not same_story((title, point_on_first), (title, point_on_second))
