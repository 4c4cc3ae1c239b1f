"""read_file: dispatch by suffix and every failure as a one-line UnreadableArticle."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.readers import SUPPORTED_SUFFIXES, ReadResult, is_supported, read_file

FIXTURES = Path(__file__).parent / "fixtures" / "text"

HTML = """<!DOCTYPE html>
<html lang="fa"><head><meta charset="utf-8">
<title>عنوان آزمایشی | خبرگزاری نمونه</title>
<meta property="og:title" content="عنوان آزمایشی">
<meta property="og:url" content="https://example.ir/news/1">
</head><body><article><h1>عنوان آزمایشی</h1>
<p>این بند نخست خبر آزمایشی است که برای بررسی خواندن پرونده‌های اچ‌تی‌ام‌ال نوشته شده و
باید در متن خبر بیاید.</p>
<p>این بند دوم خبر است و آن هم باید خوانده شود تا متن خبر کامل باشد.</p>
</article></body></html>
"""


def copy_fixture(name: str, tmp_path: Path, new_name: str | None = None) -> Path:
    target = tmp_path / (new_name or name)
    shutil.copyfile(FIXTURES / name, target)
    return target


def unreadable_reason(path: Path) -> str:
    with pytest.raises(UnreadableArticle) as info:
        read_file(path)
    reason = str(info.value)
    assert reason, "empty reason"
    assert "\n" not in reason and "\r" not in reason, reason
    assert reason == reason.strip()
    return reason


# --- dispatch -------------------------------------------------------------------


def test_is_supported() -> None:
    for name in ("a.html", "a.HTM", "a.xhtml", "a.txt", "A.TXT", "a.jsonl", "a.ndjson", "a.json", "a.csv",
                 "a.tsv", "a.xml", "a.ham", "a.warc", "a.txt.gz", "a.json.bz2", "a.zip", "a.tar.gz"):
        assert is_supported(Path(name)), name
    for name in ("a.pdf", "README", "SOURCE.txt", "a.pdf.gz", ".txt"):
        assert not is_supported(Path(name)), name
    assert {".html", ".htm", ".xhtml", ".txt", ".jsonl", ".ndjson", ".json", ".csv", ".xml"} <= SUPPORTED_SUFFIXES


def test_txt_printview(tmp_path: Path) -> None:
    result = read_file(copy_fixture("seed.txt", tmp_path))
    assert isinstance(result, ReadResult)
    assert result.problems == []
    [(key, article)] = result.articles
    assert key == ""
    assert article.source == "پیام آذری"
    assert article.date == datetime(2023, 3, 15, 5, 21)


def test_txt_irnews(tmp_path: Path) -> None:
    result = read_file(copy_fixture("sobhane2_88.txt", tmp_path, "sobhane2_88.TXT"))
    [(key, article)] = result.articles
    assert key == ""
    assert article.source == "صبحانه آنلاین"
    assert article.keywords == ["بانک مرکزی", "نرخ ارز", "بازار ارز"]


def test_txt_windows_1256_crlf(tmp_path: Path) -> None:
    text = (FIXTURES / "seed.txt").read_text(encoding="utf-8").replace("\n", "\r\n")
    # windows-1256 has no Persian yeh/keheh: old Persian files use the Arabic letters.
    text = text.replace("ی", "ي").replace("ک", "ك").replace("\u00a0", " ")
    path = tmp_path / "seed-1256.txt"
    path.write_bytes(text.encode("cp1256"))
    [(_, article)] = read_file(path).articles
    assert article.source == "پيام آذري"
    assert article.date == datetime(2023, 3, 15, 5, 21)
    assert len(article.keywords) == 3
    assert "\r" not in article.body


def test_txt_utf8_bom_irnews(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "tabnak_data_1347.txt").read_bytes())
    [(_, article)] = read_file(path).articles
    assert article.source == "تابناک"
    assert article.title == "آزمایش واکسن کرونا در آمریکا"


def test_html(tmp_path: Path) -> None:
    path = tmp_path / "page.HTML"
    path.write_text(HTML, encoding="utf-8")
    result = read_file(path)
    [(key, article)] = result.articles
    assert key == ""
    assert isinstance(article, Article)
    assert article.title == "عنوان آزمایشی"
    assert "بند دوم خبر" in article.body


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
def test_jsonl_keys_and_problems(tmp_path: Path, suffix: str) -> None:
    lines = [
        json.dumps({"title": "یک", "body": "متن", "id": "a"}, ensure_ascii=False),
        "",
        "{broken",
        json.dumps({"title": "دو", "date": "bad date"}, ensure_ascii=False),
    ]
    path = tmp_path / f"feed{suffix}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_file(path)
    assert [key for key, _ in result.articles] == ["#L1", "#L4"]
    assert [a.title for _, a in result.articles] == ["یک", "دو"]
    assert result.problems[0] == "line 3: not valid JSON"
    assert result.problems[1] == "line 4: date 'bad date' cannot be read (not a recognised date); indexed undated"
    assert len(result.problems) == 2
    assert all("\n" not in p for p in result.problems)


def test_jsonl_without_any_article(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{bad\n[]\n{bad again\n", encoding="utf-8")
    reason = unreadable_reason(path)
    assert "line 1: not valid JSON" in reason
    assert "2 more" in reason


# --- whole-file failures ---------------------------------------------------------


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)) * 4)
    assert "binary" in unreadable_reason(path)


def test_binary_jsonl_and_html(tmp_path: Path) -> None:
    for name in ("blob.jsonl", "blob.html"):
        path = tmp_path / name
        path.write_bytes(b"\x00\x01\x02\x00" * 300)
        unreadable_reason(path)


def test_empty_file(tmp_path: Path) -> None:
    for name in ("empty.txt", "empty.jsonl", "empty.html"):
        path = tmp_path / name
        path.write_bytes(b"")
        assert unreadable_reason(path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    for name in ("blank.txt", "blank.jsonl"):
        path = tmp_path / name
        path.write_bytes(b" \r\n\n\t \n")
        unreadable_reason(path)


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + b"\x00\xd8" * 40,                      # UTF-16 BOM, lone surrogates
    b"\xfe\xff\x00",                                     # UTF-16 BOM, odd length
    b"\x80\x81\x8d\x8f\x90\x9d" * 40,                     # not UTF-8, no letters
    b"\xc3\x28\xa0\xa1\xe2\x28\xa1 " * 40,                 # broken UTF-8 sequences
    b"\x1b[31m" * 100,                                    # control bytes
])
@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".html"])
def test_undecodable_or_garbage_never_escapes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"garbage{suffix}"
    path.write_bytes(data)
    try:
        result = read_file(path)
    except UnreadableArticle as error:
        reason = str(error)
        assert reason and "\n" not in reason
    else:
        assert isinstance(result, ReadResult)
        assert all("\n" not in p for p in result.problems)


def test_control_bytes_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "ctrl.txt"
    path.write_bytes(b"\x01\x02\x03abc\x04\x05" * 100)
    assert "binary" in unreadable_reason(path)


def test_directory_is_not_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "folder.txt"
    path.mkdir()
    assert unreadable_reason(path) == "not a regular file (a folder)"


def test_dangling_symlink_is_os_error(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    path.symlink_to(tmp_path / "missing-target.txt")
    assert "no such file" in unreadable_reason(path).lower()


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in unreadable_reason(tmp_path / "nope.jsonl").lower()


def test_permission_denied(tmp_path: Path) -> None:
    path = copy_fixture("seed.txt", tmp_path)
    path.chmod(0)
    try:
        try:
            path.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("running as root: chmod does not deny reading")
        assert unreadable_reason(path) == "permission denied"
    finally:
        path.chmod(0o644)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert ".pdf" in unreadable_reason(path)


def test_unexpected_error_in_reader_becomes_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import khabar.indexer.readers as readers

    def explode(text: str) -> Article:
        raise KeyError("boom\nsecond line")

    monkeypatch.setattr(readers, "read_printview", explode)
    reason = unreadable_reason(copy_fixture("seed.txt", tmp_path))
    assert "KeyError" in reason


def test_multiline_reason_from_reader_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import khabar.indexer.readers as readers

    def refuse(text: str) -> Article:
        raise UnreadableArticle("first\n  second")

    monkeypatch.setattr(readers, "read_printview", refuse)
    assert unreadable_reason(copy_fixture("seed.txt", tmp_path)) == "first second"


def test_every_corpus_file_reads(tmp_path: Path) -> None:
    corpus = Path(__file__).parent.parent / "corpus"
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and is_supported(p))
    if not files:
        pytest.skip("no bundled corpus")
    assert len(files) >= 300
    for path in files:
        result = read_file(path)
        assert result.problems == [], path
        [(_, article)] = result.articles
        assert article.title and article.body and article.date is not None, path
        assert article.title != "nan", path
