"""A small index for the command tests: the fixture news files plus articles made to test
keyword spellings, dates and hostile text. Built once per test module (indexing takes ~1 s)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# Written forms differ (ZWNJ/space, Arabic/Persian letters, digit forms); folded keys meet.
MADE = [
    {"id": "made-1", "url": "https://example.com/1", "source": "نمونه",
     "title": "عنوان \x1b[31mقرمز\x1b[0m\tبا\u202eتب", "body": "بند اول\x07 با\tتب.\nبند دوم.",
     "keywords": ["دانش‌بنیان", "كرونا", "۱۴۰۱"], "date": "1401/12/20 10:00"},
    {"id": "made-2", "url": "https://example.com/2", "source": "نمونه",
     "title": "خبر دوم", "body": "متن خبر دوم.",
     "keywords": ["دانش بنیان", "کرونا", "1401"], "date": "1401/11/05 09:00"},
    {"id": "made-3", "url": "https://example.com/3", "source": "دیگر",
     "title": "خبر سوم", "body": "متن خبر سوم.",
     "keywords": ["دانش بنیان", "کرونا"], "date": "1400/01/10 12:00"},
]


def build_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from khabar.indexer.update import update_index

    root = tmp_path_factory.mktemp("cli-corpus")
    news = root / "news"
    news.mkdir()
    for path in sorted((FIXTURES / "text").glob("*.txt")):
        shutil.copyfile(path, news / path.name)
    lines = (json.dumps(article, ensure_ascii=False) for article in MADE)
    (news / "made.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        # The lexicon cache that conftest shares between tests.
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
        summary = update_index(root / "ix", [news])
    assert summary.added == 8, summary.line()
    return root / "ix"
