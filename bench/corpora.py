"""Benchmark corpora: turn the real corpora in ``../shared`` into files khabar indexes.

* ``corpora/ir-news/Dataset/*.txt`` (4,965 articles) are copied as they are:
  khabar reads the IR-News format directly.
* ``corpora/farsnews-varzesh3`` (JSON arrays: 1,500 FarsNews + 2,500 Varzesh3
  articles) become JSON Lines, :data:`JSONL_PER_FILE` articles per file, so an
  incremental run has many small files to change. FarsNews ids encode the
  Jalali day (``8707060255`` → 1387/07/06, ``13950404000869`` → 1395/04/04);
  Varzesh3 articles have no date.

``prepare(shared, dest, scale)`` writes ``scale`` copies; ``prepare_dump(corpus, dest)``
writes the same articles as one JSON Lines file (``articles/dump.jsonl``: each
copy's IR-News files as records, then its JSON Lines records), the shape of an
export that a build must split across workers as it does a folder. Copy 0 is the corpus
as it is; copy ``k`` gets new ids and urls (``…#copy-k``) and dates moved ``k``
years (364 days, same weekday) into the past, like an archive that keeps
growing backwards. Text is identical across copies, so the text volume of
scale ``k`` is ``k`` times that of scale 1.

Nothing here is part of the product, and nothing is written inside the repo.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

JSONL_PER_FILE = 25
COPY_SHIFT_DAYS = 364
_IRNEWS = Path("corpora/ir-news/Dataset")
_FARS = Path("corpora/farsnews-varzesh3/exploring-datasets")
_INFO_FILE = "bench-corpus.json"


@dataclass
class CorpusInfo:
    root: str
    scale: int
    files: int
    articles: int
    text_bytes: int  # UTF-8 bytes of title + body as khabar reads them
    ok: bool = True

    @property
    def text_mb(self) -> float:
        return self.text_bytes / 1e6


def default_workdir() -> Path:
    return Path(os.environ.get("KHABAR_BENCH_DIR") or Path(tempfile.gettempdir()) / "khabar-bench")


# --------------------------------------------------------------------------- sources

def _as_list(value: object) -> list[str]:
    """Fields that are a list, or a Python list written as a string."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                return [text]
            if isinstance(parsed, (list, tuple)):
                return [str(v) for v in parsed]
        return [text] if text else []
    return []


def fars_jalali(news_id: str) -> tuple[int, int, int] | None:
    """The Jalali (year, month, day) a FarsNews id encodes, or None."""
    if not news_id.isdigit():
        return None
    if news_id.startswith("13") and len(news_id) >= 12:
        year, month, day = int(news_id[:4]), int(news_id[4:6]), int(news_id[6:8])
    elif len(news_id) >= 8:
        year, month, day = 1300 + int(news_id[:2]), int(news_id[2:4]), int(news_id[4:6])
    else:
        return None
    if not (1370 <= year <= 1410 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return year, month, day


def _jalali_to_gregorian(ymd: tuple[int, int, int]) -> date | None:
    import jdatetime

    try:
        return jdatetime.date(*ymd).togregorian()
    except ValueError:
        return None


def _fars_varzesh3_records(shared: Path) -> list[dict]:
    """Every article as a khabar JSON Lines record (copy 0), with a Gregorian ``_day``."""
    records: list[dict] = []
    for kind, pattern in (("fars", "news/fars-news-*.json"), ("varzesh3", "sports/varzesh3-*.json")):
        for path in sorted((shared / _FARS).glob(pattern)):
            for item in json.loads(path.read_text(encoding="utf-8")):
                link = str(item.get("link") or "")
                paragraphs = [p.strip() for p in _as_list(item.get("paragraphs")) if p.strip()]
                abstract = str(item.get("abstract") or "").strip()
                body = "\n".join(([abstract] if abstract else []) + paragraphs)
                title = str(item.get("title") or "").strip()
                if not title and not body:
                    continue
                if kind == "fars":
                    news_id = link.rstrip("/").split("/news/")[-1].split("/")[0]
                    source = "خبرگزاری فارس"
                    ymd = fars_jalali(news_id)
                    day = _jalali_to_gregorian(ymd) if ymd else None
                else:
                    news_id = str(item.get("code") or link.rstrip("/").split("/")[-1])
                    source = "ورزش سه"
                    day = None
                records.append({
                    "id": f"{kind}-{news_id}",
                    "title": title,
                    "body": body,
                    "keywords": [t for t in _as_list(item.get("tags")) if t.strip()],
                    "url": link,
                    "source": source,
                    "_day": day.isoformat() if day else "",
                })
    return records


# --------------------------------------------------------------------------- copies

def _shift(day: date, copy: int) -> date:
    return day - timedelta(days=COPY_SHIFT_DAYS * copy)


def _irnews_copy(text: str, copy: int) -> str:
    """An IR-News file as copy ``copy``: new url and id, date moved back."""
    if copy == 0:
        return text
    first, _, rest = text.partition("\n")
    parts = first.split("###")
    if len(parts) != 7:
        return text
    parts[2] = parts[2].strip() + f"#copy-{copy}"
    parts[5] = parts[5].strip() + f"-{copy}"
    try:
        moment = datetime.strptime(parts[4].strip(), "%Y-%m-%d %H:%M:%S")
        moment -= timedelta(days=COPY_SHIFT_DAYS * copy)
        parts[4] = moment.strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        pass
    return "###".join(parts) + "\n" + rest


def _jsonl_line(record: dict, copy: int) -> str:
    out = {k: v for k, v in record.items() if not k.startswith("_")}
    if copy:
        out["id"] = f"{record['id']}-copy-{copy}"
        out["url"] = f"{record['url']}#copy-{copy}"
    if record["_day"]:
        day = _shift(date.fromisoformat(record["_day"]), copy)
        out["date"] = f"{day.isoformat()} 12:00"
    return json.dumps(out, ensure_ascii=False)


def _prepared(info_path: Path, scale: int) -> CorpusInfo | None:
    """The corpus a finished earlier run prepared for ``scale`` (its info file beside it), if any."""
    if not info_path.is_file():
        return None
    try:
        info = CorpusInfo(**json.loads(info_path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return None
    return info if info.scale == scale and info.ok and Path(info.root).is_dir() else None


def _fresh_articles_folder(dest: Path) -> Path:
    """``dest/articles``, empty: what the benchmark prepared at ``dest`` before is replaced."""
    if dest.exists():
        shutil.rmtree(dest)
    root = dest / "articles"
    root.mkdir(parents=True)
    return root


def prepare(shared: Path, dest: Path, scale: int = 1, *, reuse: bool = True) -> CorpusInfo:
    """Write ``scale`` copies of the benchmark corpus under ``dest`` (replaced).

    With ``reuse``, a folder already prepared for the same scale is kept.
    """
    shared = Path(shared)
    dest = Path(dest)
    info_path = dest / _INFO_FILE
    if reuse and (info := _prepared(info_path, scale)) is not None:
        return info
    root = _fresh_articles_folder(dest)

    irnews = sorted((shared / _IRNEWS).glob("*.txt"))
    if not irnews:
        raise FileNotFoundError(f"no IR-News files under {shared / _IRNEWS}")
    irnews_texts = [(p.name, p.read_bytes().decode("utf-8", errors="surrogateescape")) for p in irnews]
    records = _fars_varzesh3_records(shared)

    files = 0
    for copy in range(scale):
        folder = root / f"copy-{copy:02d}"
        (folder / "ir-news").mkdir(parents=True)
        for name, text in irnews_texts:
            (folder / "ir-news" / name).write_bytes(_irnews_copy(text, copy).encode("utf-8", errors="surrogateescape"))
            files += 1
        (folder / "jsonl").mkdir()
        for start in range(0, len(records), JSONL_PER_FILE):
            chunk = records[start: start + JSONL_PER_FILE]
            lines = "\n".join(_jsonl_line(r, copy) for r in chunk) + "\n"
            (folder / "jsonl" / f"{chunk[0]['id'].split('-')[0]}-{start // JSONL_PER_FILE:04d}.jsonl").write_text(
                lines, encoding="utf-8")
            files += 1

    articles, text_bytes = measure_text(root / "copy-00")
    info = CorpusInfo(str(root), scale, files, articles * scale, text_bytes * scale)
    info_path.write_text(json.dumps(asdict(info), ensure_ascii=False), encoding="utf-8")
    return info


def prepare_dump(corpus: CorpusInfo, dest: Path, *, reuse: bool = True) -> CorpusInfo:
    """The articles of ``corpus`` (a folder from :func:`prepare`) as one JSON Lines file under ``dest``.

    Each IR-News file becomes the record its reader makes of it (title, body,
    keywords, date, source, url), the JSON Lines files' records are copied as
    they are: the same articles and the same text, so ``text_bytes`` is the
    folder's. Kept for the same corpus when ``reuse``.
    """
    from khabar.indexer.readers import read_file

    dest = Path(dest)
    info_path = dest / _INFO_FILE
    if reuse and (info := _prepared(info_path, corpus.scale)) is not None:
        return info
    root = _fresh_articles_folder(dest)
    records = 0
    with open(root / "dump.jsonl", "w", encoding="utf-8") as dump:
        for folder in sorted(Path(corpus.root).glob("copy-*")):
            for path in sorted((folder / "ir-news").glob("*.txt")):
                for _, article in read_file(path).articles:
                    record = {"title": article.title, "body": article.body, "keywords": article.keywords,
                              "source": article.source, "url": article.url}
                    if article.date is not None:  # naive UTC, as readers return it
                        record["date"] = article.date.isoformat() + "+00:00"
                    dump.write(json.dumps(record, ensure_ascii=False) + "\n")
                    records += 1
            for path in sorted((folder / "jsonl").glob("*.jsonl")):
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        dump.write(line + "\n")
                        records += 1
    info = CorpusInfo(str(root), corpus.scale, 1, corpus.articles, corpus.text_bytes)
    info_path.write_text(json.dumps(asdict(info), ensure_ascii=False), encoding="utf-8")
    return info


def measure_text(folder: Path) -> tuple[int, int]:
    """(unique articles, UTF-8 bytes of their title + body) as khabar's readers see them."""
    from khabar.indexer.readers import read_file

    articles = text_bytes = 0
    seen: set[str] = set()  # khabar indexes an article found twice once
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".txt", ".jsonl"):
            continue
        for _, article in read_file(path).articles:
            key = article.id or article.url
            if key:
                if key in seen:
                    continue
                seen.add(key)
            articles += 1
            text_bytes += len(article.title.encode("utf-8")) + len(article.body.encode("utf-8"))
    return articles, text_bytes


# --------------------------------------------------------------------------- changes

def change_files(root: Path, fraction: float = 0.01, marker: str = "") -> dict[Path, bytes]:
    """Edit ``fraction`` of the files under ``root`` (every n-th, sorted); returns originals.

    IR-News files get one more sentence; a JSON Lines file gets one more
    sentence in its first article's body. Each edit changes size and content.
    A ``marker`` (new each run) goes into the sentence: an index kept between
    runs (``benchmark.py --reuse-index``) already holds the last run's edit,
    and the same edit again would change nothing it holds.
    """
    sentence = "این جمله برای آزمون به‌روزرسانی نمایه افزوده شد" + (f" {marker}" if marker else "") + "."
    paths = sorted(p for p in Path(root).rglob("*") if p.suffix in (".txt", ".jsonl"))
    step = max(1, round(1 / fraction))
    originals: dict[Path, bytes] = {}
    for path in paths[::step]:
        data = path.read_bytes()
        originals[path] = data
        if path.suffix == ".txt":
            text = data.decode("utf-8", errors="surrogateescape").rstrip("\n")
            text += f"\n999\t{sentence}\n"
            path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
        else:
            lines = data.decode("utf-8").split("\n")
            record = json.loads(lines[0])
            record["body"] = record.get("body", "") + "\n" + sentence
            lines[0] = json.dumps(record, ensure_ascii=False)
            path.write_text("\n".join(lines), encoding="utf-8")
    return originals


def restore_files(originals: dict[Path, bytes]) -> None:
    for path, data in originals.items():
        path.write_bytes(data)


def add_articles(root: Path, copy: int, count: int = 1000) -> Path:
    """``count`` IR-News articles of ``root``'s first copy written again as copy ``copy``
    (new urls and ids, dates moved back: articles the index has not seen) in a new
    folder under ``root``, which is returned; deleting it undoes this."""
    root = Path(root)
    sources = sorted((root / "copy-00" / "ir-news").glob("*.txt"))[:count]
    if len(sources) < count:
        raise FileNotFoundError(f"fewer than {count} IR-News files under {root / 'copy-00' / 'ir-news'}")
    folder = root / f"added-{copy:03d}"
    if folder.exists():  # left by an interrupted run of this benchmark
        shutil.rmtree(folder)
    (folder / "ir-news").mkdir(parents=True)
    for source in sources:
        text = source.read_bytes().decode("utf-8", errors="surrogateescape")
        (folder / "ir-news" / source.name).write_bytes(
            _irnews_copy(text, copy).encode("utf-8", errors="surrogateescape"))
    return folder


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--dest", type=Path, default=None)
    args = parser.parse_args()
    dest = args.dest or default_workdir() / f"corpus-x{args.scale}"
    print(asdict(prepare(args.shared, dest, args.scale, reuse=False)))
