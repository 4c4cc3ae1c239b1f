"""Research collections: Hamshahri2 (XML and .ham), TNews, MirasText, Persica.

TNews, MirasText and Persica are read from hazm's MIT samples copied into
tests/fixtures/collections; Hamshahri2 is never copied (its licence), so it is
read by path in ../shared, and its shape is rebuilt here from invented text.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from khabar.indexer.article import Article, NotAnArticle
from khabar.indexer.dates import format_jalali
from khabar.indexer.readers import iter_file, read_file

FIXTURES = Path(__file__).parent / "fixtures" / "collections"
SHARED = Path(__file__).parent.parent.parent / "shared" / "corpora"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not there")


def test_tnews_items_after_the_closed_root_with_utc_dates():
    result = read_file(FIXTURES / "tnews-20140923.xml")
    [(key, article)] = result.articles
    assert key == "#1" and result.problems == []
    assert article.id == "tnews-14092303482300013653"
    assert article.title == "برگزاری جشن نمادین شکوفه ها به یاد ۱۰هزار دانش آموز جانباخته زلزله بم"
    assert article.url == "http://fa.botianews.com/1393/06/125532/" and article.source == "fa.botianews.com"
    assert article.date == datetime(2014, 9, 23, 3, 48, 23, 977000)
    assert article.keywords == ["عمومی"]
    assert article.body.startswith("با حضور مدیرکل آموزش وپرورش استان کرمان")  # the BRIEF, then the DESCRIPTION


def test_tnews_control_bytes_and_a_broken_item(tmp_path):
    data = (FIXTURES / "tnews-20140923.xml").read_bytes()
    news = data[data.index(b"<NEWS>"):]
    broken = b"<NEWS><NEWSID>2</NEWSID><URL></URL><TITLE></TITLE><DESCRIPTION></DESCRIPTION></NEWS>"
    path = tmp_path / "t.xml"
    path.write_bytes(data.replace(b"\xd8\xa8\xd9\x87 \xda\xaf\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xb4", b"\x1b\x1a\x08", 1)
                     + broken + news.replace(b"14092303482300013653", b"3"))
    result = read_file(path)
    assert [article.id for _, article in result.articles] == ["tnews-14092303482300013653", "tnews-3"]
    assert result.problems == ["record 2 (2): no TITLE or DESCRIPTION"]


def test_mirastext_one_document_a_line_with_its_fields():
    result = read_file(FIXTURES / "mirastext.txt")
    assert [key for key, _ in result.articles] == ["#L1", "#L2", "#L3"]
    (_, first), (_, second), _ = result.articles
    assert first.title == "ایرانی‌ها چقدر از اینترنت استفاده می‌کنند؟"  # the site's name taken off
    assert first.source == "55online.ir" and first.url.startswith("http://55online.ir/news/")
    assert format_jalali(first.date) == "1396/05/24"  # «شناسه خبر: 96106 ۲۴ مرداد ۱۳۹۶ - ۱۹:۴۰»
    assert second.keywords[:3] == ["هاآرتص", "معاریو", "بنیامین نتانیاهو"]
    assert second.date is None  # no publication line in its text


def test_mirastext_a_broken_line_is_named(tmp_path):
    lines = (FIXTURES / "mirastext.txt").read_text(encoding="utf-8").split("\n")
    path = tmp_path / "m.txt"
    path.write_text("\n".join([lines[0], "a line *** with three *** fields", lines[1]]) + "\n", encoding="utf-8")
    result = read_file(path)
    assert [key for key, _ in result.articles] == ["#L1", "#L3"]
    assert result.problems == ["line 2: 3 fields where MirasText has 6 (joined by ***)"]


def test_persica_one_field_a_line():
    result = read_file(FIXTURES / "persica.csv")
    [(key, article)] = result.articles
    assert (key, article.id, article.source) == ("#1", "persica-843656", "ایسنا")
    assert article.title.startswith("وزير علوم درجمع استادان نمونه")
    assert article.keywords == ["آموزشي"]
    # The sample's date and time are garbled ("138/5//09", "0:9::18"): named, not guessed.
    assert result.problems == ["record 1 (line 1): date '138/5//09 0:9::18' cannot be read (not a recognised date); "
                               "indexed undated"]


HAM_DOC = """<DOC>
<DOCID>HAM2-{id}</DOCID>
<DOCNO>HAM2-{id}</DOCNO>
<ORIGINALFILE>/1375/750403/x.htm</ORIGINALFILE>
<ISSUE>يكشنبه 3 تير 1375، 23 ژوئن 1996، سال چهارم، شماره 1000</ISSUE>
<DATE calender="Western">1996-06-23</DATE>
<DATE calender="Persian">{persian}</DATE>
<CAT xml:lang="fa">ورزش</CAT>
<CAT xml:lang="en">Sport</CAT>
<TITLE>
<![CDATA[{title}]]>
</TITLE>
<TEXT>
<![CDATA[{text}]]>
</TEXT>
</DOC>
"""


def hamshahri_xml(docs: list[str]) -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE HAMSHAHRI2 SYSTEM "hamshahri.dtd">\n'
    return (head + "<HAMSHAHRI2>\n" + "".join(docs) + "</HAMSHAHRI2>\n").encode("utf-8")


def doc(n: int, *, title: str = "عنوان ساختگی", text: str = "متن ساختگی برای آزمون خواننده همشهری.",
        persian: str = "1375/04/03") -> str:
    return HAM_DOC.format(id=f"750403-9{n:03d}", title=title, text=text, persian=persian)


def test_hamshahri2_xml_of_its_shape(tmp_path):
    text = ("o خط اول یک بند که از پنجاه نویسه بلندتر است و ادامه دارد تا\nخط دوم همان بند.\n"
            "o بند دوم")
    path = tmp_path / "ham2_960623.xml"
    path.write_bytes(hamshahri_xml([doc(1, text=text), doc(2, title="", text=""), doc(3, persian="1375/13/40")]))
    result = read_file(path)
    assert [article.id for _, article in result.articles] == ["HAM2-750403-9001", "HAM2-750403-9003"]
    first = result.articles[0][1]
    assert (first.source, first.keywords, format_jalali(first.date)) == ("همشهری", ["ورزش"], "1375/04/03")
    assert first.body == ("خط اول یک بند که از پنجاه نویسه بلندتر است و ادامه دارد تا خط دوم همان بند.\n\n"
                          "بند دوم")
    # A Persian DATE that cannot be read: the Western one stands in, and nothing is lost.
    assert result.articles[1][1].date == datetime(1996, 6, 22, 19, 30)
    assert result.problems == ["record 2 (HAM2-750403-9002): no TITLE or TEXT"]


def _peak_rss_reading(path: Path) -> tuple[int, int]:
    """(articles, peak resident memory in bytes) of a fresh process that reads ``path``."""
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from khabar.indexer.article import Article\n"
        "from khabar.indexer.readers import iter_file\n"
        "n = sum(1 for _, v in iter_file(Path(sys.argv[1])) if isinstance(v, Article))\n"
        "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    count, peak = done.stdout.split()
    return int(count), int(peak)


def test_hamshahri2_xml_streams_in_flat_memory(tmp_path):
    # lxml's tree lives outside Python's allocator: measured as the process's resident memory.
    body = "متن ساختگی یک سند همشهری که به اندازه کافی بلند است. " * 40
    small, big = tmp_path / "small.xml.gz", tmp_path / "big.xml.gz"
    for path, count in ((small, 1), (big, 6000)):
        with gzip.open(path, "wb", compresslevel=1) as out:
            out.write(hamshahri_xml([])[:-len(b"</HAMSHAHRI2>\n")])
            for n in range(count):
                out.write(doc(n, text=body).encode("utf-8"))
            out.write(b"</HAMSHAHRI2>\n")
    assert _peak_rss_reading(small)[0] == 1
    count, peak = _peak_rss_reading(big)
    _, baseline = _peak_rss_reading(small)
    assert count == 6000
    assert peak - baseline < 20_000_000, (peak, baseline)  # the XML inside is ~27 MB


@needs_shared
def test_the_hamshahri2_sample_and_its_issue_line():
    # What the reader must find is read from the sample itself: none of its text is copied here.
    path = SHARED / "format-samples" / "corpora" / "hamshahri" / "1996" / "ham2_960623.xml"
    raw = path.read_text(encoding="utf-8")
    doc_id = re.search(r"<DOCID>\s*(\S+?)\s*</DOCID>", raw).group(1)
    title = re.search(r"<TITLE[^>]*>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</TITLE>", raw, re.S).group(1)
    category = re.search(r'<CAT xml:lang="fa">\s*(.*?)\s*</CAT>', raw).group(1)
    yymmdd = re.fullmatch(r"HAM2-(\d{6})-\d+", doc_id).group(1)
    [(_, article)] = read_file(path).articles
    assert article.id == doc_id
    assert format_jalali(article.date) == f"13{yymmdd[:2]}/{yymmdd[2:4]}/{yymmdd[4:]}"
    assert article.title == " ".join(title.split())
    assert article.keywords == [category]


@needs_shared
def test_a_hamshahri2_text_document():
    # The collection's first document by path: its id and day come from its own name.
    path = sorted((SHARED / "hamshahri2-subset" / "HamshahriData" / "HamshahriCorpus").rglob("*.ham"))[0]
    yymmdd = re.fullmatch(r"HAM2-(\d{6})-\d+", path.stem).group(1)
    [(key, article)] = read_file(path).articles
    assert (key, article.id, format_jalali(article.date), article.source) == (
        "", path.stem, f"13{yymmdd[:2]}/{yymmdd[2:4]}/{yymmdd[4:]}", "همشهری")
    assert article.title and article.body


def test_xml_of_another_kind_is_no_article_file(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>https://a.ir/</loc></url></urlset>', encoding="utf-8")
    with pytest.raises(NotAnArticle, match="XML of another kind"):
        read_file(path)
