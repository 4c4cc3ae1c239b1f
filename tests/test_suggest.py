"""Did-you-mean: misspellings found in the corpora get their correction, correct queries none.

Every misspelling below is written in an article of the corpus it is tested
on (the tests check that the index's vocabulary holds it), and the
correction is the word those articles meant.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, shared_corpus
from khabar import cli
from khabar.indexer.persian.written import written_analyzer, written_words
from khabar.indexer.store import open_for_search
from khabar.indexer.update import update_index
from khabar.search.engine import search
from khabar.search.suggest.corrector import FEW_RESULTS
from khabar.search.suggest.edits import one_edit
from khabar.search.suggest.keyboard import NEIGHBOUR, OTHER_LETTER, SOUND_ALIKE, neighbours, substitution_cost
from khabar.search.suggest.spans import correctable
from khabar.search.suggest.vocabulary import Vocabulary

# Misspellings in the bundled corpus (corpus/), with what their article meant.
BUNDLED_MISSPELLINGS = {
    "قرنطنیه": "قرنطینه",  # two letters swapped
    "کرمنا": "کرونا",  # م for و
    "بنایراین": "بنابراین",  # ی beside ب on the keyboard
    "تجیهزات": "تجهیزات",
    "بخران": "بحران",  # خ beside ح
    "جموری": "جمهوری",  # a dropped letter
    "درخوست": "درخواست",  # a dropped vowel
    "منتتقل": "منتقل",  # a doubled letter
    "برخودر": "برخورد",
    "قتصادی": "اقتصادی",
    "صهیوننیستی": "صهیونیستی",
    "ملیارد": "میلیارد",
    "ایحاد": "ایجاد",
    "سرارسر": "سراسر",
    "مذکرات": "مذاکرات",
    "میدهند": "می‌دهند",  # glued: the ZWNJ form
    "اصلاحطلبان": "اصلاح‌طلبان",
}
# Queries spelled right, frequent in the bundled corpus.
CORRECT_QUERIES = ["کرونا", "ایران", "قرنطینه", "بورس", "مجلس", "آمریکا", "تهران", "ویروس کرونا",
                   '"سهام عدالت"', "وزارت بهداشت", "بنابراین", "اقتصادی", "می‌دهند",
                   # The README's first query: «بنیان» is in one article, «بیان» in 42, and
                   # any of the words finds more; all of them do not.
                   "تعاونی دانش بنیان"]


def vocabulary_of(index_dir: Path) -> Vocabulary:
    return Vocabulary(open_for_search(index_dir).reader())


@pytest.mark.parametrize(("typed", "meant"), BUNDLED_MISSPELLINGS.items())
def test_a_misspelling_from_the_corpus_gets_its_correction(bundled_index, typed, meant):
    assert vocabulary_of(bundled_index).of_typed(typed) >= 1  # written so in an article
    results = search(bundled_index, typed)
    assert results.total < FEW_RESULTS
    assert results.suggestion == meant


@pytest.mark.parametrize("query", CORRECT_QUERIES)
def test_a_correct_query_gets_no_suggestion(bundled_index, query):
    assert search(bundled_index, query).suggestion is None


@pytest.mark.parametrize(("query", "loaded"), [("کرونا", False), ("کرمنا", True)])
def test_the_corrector_is_loaded_only_for_a_query_that_found_little(bundled_index, query, loaded):
    """In a fresh process: a search that found plenty answers without importing the corrector."""
    program = ("import sys; from pathlib import Path; from khabar.search.engine import search; "
               "found = search(Path(sys.argv[1]), sys.argv[2]); "
               "print(found.total, found.suggestion, 'khabar.search.suggest.corrector' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", program, str(bundled_index), query],
                          capture_output=True, text=True, encoding="utf-8", check=True)
    total, suggestion, corrector = done.stdout.split()
    assert corrector == str(loaded)
    assert (int(total) < FEW_RESULTS) == loaded
    assert suggestion == (BUNDLED_MISSPELLINGS[query] if loaded else "None")


def test_frequent_words_are_not_corrected_even_when_the_query_finds_nothing(bundled_index):
    results = search(bundled_index, '"تهران کرونا مجلس"')
    assert results.total == 0 and results.suggestion is None


@pytest.mark.parametrize(("typed", "meant"), [
    ("title:قرنطنیه", "title:قرنطینه"),
    ('"بحران کرمنا"', '"بحران کرونا"'),
    ("قرنطنیه -ایران", "قرنطینه -ایران"),
    ("قرنطنیه -کرمنا", "قرنطینه -کرمنا"),  # an excluded word is left as typed
    ("قرنطنیه NOT کرمنا", "قرنطینه NOT کرمنا"),
    ("(کرمنا OR بخران)", "(کرونا OR بحران)"),
    ("قرنطنيه", "قرنطینه"),  # Arabic yeh, as an Arabic keyboard types it
    # Excluded words stay as typed whichever way they are excluded.
    ("قرنطنیه ANDNOT کرمنا", "قرنطینه ANDNOT کرمنا"),
    ("قرنطنیه NOT (کرمنا OR بخران)", "قرنطینه NOT (کرمنا OR بخران)"),
    ("قرنطنیه -(کرمنا بخران)", "قرنطینه -(کرمنا بخران)"),
])
def test_the_query_syntax_is_kept_around_the_corrected_words(bundled_index, typed, meant):
    assert search(bundled_index, typed).suggestion == meant


def test_a_suggestion_keeps_to_the_date_range(bundled_index):
    # Nothing of the bundled corpus is dated before 1390: the correction finds nothing more there.
    assert search(bundled_index, "کرمنا", date_from="1300", date_to="1380").suggestion is None


def test_json_carries_the_suggestion_and_a_correct_query_has_no_key(bundled_index):
    runner = CliRunner()
    found = runner.invoke(cli.main, ["search", "--json", "--index", str(bundled_index), "قرنطنیه"])
    assert json.loads(found.stdout)["suggestion"] == "قرنطینه"
    correct = runner.invoke(cli.main, ["search", "--json", "--index", str(bundled_index), "قرنطینه"])
    assert "suggestion" not in json.loads(correct.stdout)


def test_the_table_view_has_a_did_you_mean_line(bundled_index):
    result = CliRunner().invoke(cli.main, ["search", "--index", str(bundled_index), "--color", "never", "کرمنا"])
    # With the footer, for people: on stderr, never among the results on stdout.
    assert "did you mean: کرونا" in result.stderr and "did you mean" not in result.stdout
    correct = CliRunner().invoke(cli.main, ["search", "--index", str(bundled_index), "--color", "never", "کرونا"])
    assert "did you mean" not in correct.stderr + correct.stdout


def test_stdin_answers_carry_their_suggestions(bundled_index):
    lines = "قرنطنیه\nکرونا\nبخران\n"
    result = CliRunner().invoke(cli.main, ["search", "--stdin", "--format", "jsonl", "--limit", "1",
                                           "--index", str(bundled_index)], input=lines)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record.get("suggestion") for record in records] == ["قرنطینه", None, "بحران"]
    table = CliRunner().invoke(cli.main, ["search", "--stdin", "--color", "never", "--index", str(bundled_index)],
                               input=lines)
    assert table.stderr.count("did you mean:") == 2


def test_an_incremental_run_adds_its_words_to_the_vocabulary(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    assert vocabulary_of(index_dir).of_typed("قرنطنیه") == 0
    shutil.copyfile(REPO / "corpus" / "ir-news" / "roozno_data_980.txt", news_folder / "roozno_data_980.txt")
    update_index(index_dir, [news_folder])
    assert vocabulary_of(index_dir).of_typed("قرنطنیه") == 1


def test_the_vocabulary_keeps_written_forms_not_stems(bundled_index):
    vocabulary = vocabulary_of(bundled_index)
    assert vocabulary.frequency("آمریکا") > vocabulary.frequency("امریکا")  # آ is kept as written
    assert vocabulary.frequency("تحریم‌ها") > 0  # a ZWNJ form, not the stem تحریم
    assert vocabulary.frequency("تحریم‌ها") != vocabulary.frequency("تحریم")


def test_the_field_analyzer_gives_the_forms_indexing_writes():
    text = (REPO / "corpus" / "ir-news" / "roozno_data_980.txt").read_text(encoding="utf-8")
    assert {token.text for token in written_analyzer()(text)} == written_words(text)
    assert "قرنطنیه" in written_words(text)


def test_keys_touching_on_the_persian_keyboard_are_neighbours():
    # ی is on D: س and ب beside it, ث and ق above, ط and ز below (ISIRI 9147).
    assert neighbours("ی") == {"س", "ب", "ث", "ق", "ط", "ز"}
    assert substitution_cost("خ", "ح") == NEIGHBOUR
    assert substitution_cost("س", "ص") == SOUND_ALIKE
    assert substitution_cost("ی", "م") == OTHER_LETTER


def test_cheap_edits_cost_less_than_an_unrelated_letter():
    edits = one_edit("کرنا")
    assert edits["کرونا"] < edits["کرکا"]  # a dropped vowel, then a random letter
    assert edits["کر‌نا"] < edits["کرونا"]  # a ZWNJ is the cheapest
    assert one_edit("منتتقل")["منتقل"] < one_edit("منتتقل")["متتقل"]  # a doubled letter


def test_excluded_words_field_names_and_operators_are_never_corrected():
    words = [place.word for place in correctable('title:کرنا -ماسک AND "ستاد ملی" NOT تهران OR (بورس)')]
    assert words == ["کرنا", "ستاد", "ملی", "بورس"]


@pytest.fixture(scope="module")
def roozno_index(tmp_path_factory) -> Path:
    """The Roozno articles of ../shared's IR-News (1,230 articles)."""
    dataset = shared_corpus("ir-news/Dataset")
    folder = tmp_path_factory.mktemp("roozno")
    for path in sorted(dataset.glob("roozno_data_*.txt")):
        shutil.copyfile(path, folder / path.name)
    update_index(folder / "ix", [folder])
    return folder / "ix"


@pytest.mark.parametrize(("typed", "meant"), [
    ("کرنا", "کرونا"),
    ("ویرس", "ویروس"),
    ("کوید", "کووید"),
    ("گزرش", "گزارش"),
    ("کمسیون", "کمیسیون"),
    ("اعترضات", "اعتراضات"),
    ("قرنطنیه", "قرنطینه"),
    ("پومپئو", "پمپئو"),  # one name, two spellings: the corpus's more frequent one
    ("واشینگتن", "واشنگتن"),
])
def test_misspellings_and_name_spellings_of_irnews(roozno_index, typed, meant):
    vocabulary = vocabulary_of(roozno_index)
    assert vocabulary.of_typed(typed) >= 1 and vocabulary.of_typed(meant) > vocabulary.of_typed(typed)
    assert search(roozno_index, typed).suggestion == meant


@pytest.mark.parametrize("query", ["کرونا", "پمپئو", "واشنگتن", "ترامپ", "قرنطینه", "رئیس جمهور"])
def test_correct_queries_of_irnews_get_none(roozno_index, query):
    assert search(roozno_index, query).suggestion is None


def test_a_pasted_web_address_is_not_corrected(bundled_index):
    assert search(bundled_index, "https://www.tabnaak.ir/fa/news/123/قرنطنیه").suggestion is None


def test_a_pasted_paragraph_corrects_at_most_a_few_words(bundled_index):
    from khabar.search.suggest.spans import MOST_WORDS, correctable

    paragraph = " ".join(["قرنطنیه"] * 40)
    assert len(correctable(paragraph)) == MOST_WORDS


def test_the_did_you_mean_line_is_reordered_with_bidi(bundled_index, monkeypatch):
    monkeypatch.setattr(cli, "stdout_is_terminal", lambda: True)
    result = CliRunner().invoke(cli.main, ["search", "--index", str(bundled_index), "--bidi", "--color", "never",
                                           "کرمنا"])
    line = next(line for line in result.stderr.splitlines() if line.startswith("did you mean: "))
    assert line == "did you mean: " + "کرونا"[::-1]  # in visual order, as the table above it
