"""How fast each reader turns bytes into articles: MB/s per format, the HTML reader beside them.

    .venv/bin/python bench/readers.py --shared ../shared            # ~1 min
    .venv/bin/python bench/readers.py --shared ../shared --json

Reads (``iter_file``, every item) the shared corpora in their own formats, and
inputs made from them in a temporary folder for the formats ``../shared`` has
no large sample of: JSON Lines and Hamshahri2 XML made from the Hamshahri2
``.ham`` texts and the FarsNews dump, a WARC of the modelled HTML pages, the
FarsNews dump gzipped, zipped and tarred. What is made is removed afterwards
and never leaves the machine. Each format is read ``--rounds`` times and the
best round counts (the machine is shared). Reading only: analysis and
writing the index cost the same whatever the format (see bench/benchmark.py).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from khabar.indexer.article import Article, UnreadableArticle  # noqa: E402
from khabar.indexer.readers import iter_file  # noqa: E402
from khabar.indexer.walk import article_files  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def _files(paths: Iterable[Path]) -> list[Path]:
    return [path for path, problem in article_files(list(paths)) if problem is None]


def read_all(files: list[Path]) -> tuple[int, int]:
    """(bytes, articles) of reading every item of ``files``."""
    size = articles = 0
    for path in files:
        size += path.stat().st_size
        try:
            articles += sum(1 for _, value in iter_file(path) if isinstance(value, Article))
        except UnreadableArticle:
            pass
    return size, articles


def _inner_size(path: Path) -> int:
    """The bytes inside a compressed file or bundle (its own size for any other file)."""
    name = path.name.lower()
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as bundle:
            return sum(info.file_size for info in bundle.infolist())
    if name.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(path) as bundle:
            return sum(member.size for member in bundle.getmembers())
    if name.endswith(".gz"):
        with gzip.open(path) as inside:
            return sum(len(chunk) for chunk in iter(lambda: inside.read(1 << 20), b""))
    return path.stat().st_size


def measure(files: list[Path], rounds: int) -> dict:
    best = float("inf")
    size = articles = 0
    for _ in range(rounds):
        start = time.perf_counter()
        size, articles = read_all(files)
        best = min(best, time.perf_counter() - start)
    inner = sum(_inner_size(path) for path in files)
    return {"files": len(files), "mb": round(size / 1e6, 2), "articles": articles, "seconds": round(best, 3),
            "mb_per_s": round(size / 1e6 / best, 2) if best else None,
            "mb_inside": round(inner / 1e6, 2), "mb_inside_per_s": round(inner / 1e6 / best, 2) if best else None}


# ---------------------------------------------------------------- inputs made from the corpora


def _repeat(source: Path, out: Path, times: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    paths = []
    for n in range(times):
        path = out / f"{n:04d}-{source.name}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _html_pages(tmp: Path) -> list[Path]:
    pages = sorted((FIXTURES / "html").glob("*.html")) + sorted((FIXTURES / "html_older").glob("*.html"))
    return [path for page in pages for path in _repeat(page, tmp / "html", 20)]


def _warc(tmp: Path, gzip: bool = True) -> list[Path]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = sorted((FIXTURES / "html").glob("*.html")) + sorted((FIXTURES / "html_older").glob("*.html"))
    path = tmp / ("pages.warc.gz" if gzip else "pages.warc")
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for round_ in range(20):
            for number, page in enumerate(pages):
                uri = f"https://example.ir/{round_}/{number}"
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(page.read_bytes()),
                                                              http_headers=http))
                css = StatusAndHeaders("200 OK", [("Content-Type", "text/css")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(uri + ".css", "response",
                                                              payload=io.BytesIO(b"p{}" * 300), http_headers=css))
    return [path]


def _ham_texts(shared: Path) -> list[Path]:
    return sorted((shared / "corpora" / "hamshahri2-subset").rglob("*.ham"))


def _hamshahri_xml(shared: Path, tmp: Path) -> list[Path]:
    """The .ham texts laid out as Hamshahri2 XML (what the full distribution is)."""
    from xml.sax.saxutils import escape

    path = tmp / "ham2.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<HAMSHAHRI2>\n')
        for ham in _ham_texts(shared):
            text = ham.read_text(encoding="utf-8", errors="replace")
            title, _, body = text.partition("\n")
            yy, mm, dd = ham.stem[5:7], ham.stem[7:9], ham.stem[9:11]
            out.write(f"<DOC>\n<DOCID>{ham.stem}</DOCID>\n<DATE calender=\"Persian\">13{yy}/{mm}/{dd}</DATE>\n"
                      f"<CAT xml:lang=\"fa\">خبر</CAT>\n<TITLE>{escape(title)}</TITLE>\n<TEXT>{escape(body)}</TEXT>\n</DOC>\n")
        out.write("</HAMSHAHRI2>\n")
    return [path]


def _jsonl(shared: Path, tmp: Path) -> list[Path]:
    path = tmp / "fars.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for source in sorted((shared / "corpora" / "farsnews-varzesh3").rglob("*.json")):
            for record in json.loads(source.read_text(encoding="utf-8")):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [path]


def _packed(shared: Path, tmp: Path, how: str) -> list[Path]:
    sources = sorted((shared / "corpora" / "farsnews-varzesh3").rglob("*.json"))
    if how == "gz":
        out = tmp / "gz"
        out.mkdir()
        paths = []
        for source in sources:
            path = out / (source.name + ".gz")
            path.write_bytes(gzip.compress(source.read_bytes()))
            paths.append(path)
        return paths
    if how == "zip":
        path = tmp / "fars.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
            for source in sources:
                bundle.write(source, source.name)
        return [path]
    path = tmp / "fars.tar.gz"
    with tarfile.open(path, "w:gz") as bundle:
        for source in sources:
            bundle.add(source, source.name)
    return [path]


def formats(shared: Path, tmp: Path) -> dict[str, Callable[[], list[Path]]]:
    corpora = shared / "corpora"
    return {
        "html (modelled pages, the yardstick)": lambda: _html_pages(tmp),
        "txt: IR-News": lambda: _files([corpora / "ir-news"]),
        "txt: print view (seed)": lambda: _repeat(FIXTURES / "text" / "seed.txt", tmp / "seed", 200),
        "txt: MirasText": lambda: _repeat(corpora / "format-samples" / "corpora" / "mirastext.txt", tmp / "miras", 100),
        "txt: Persica": lambda: _repeat(corpora / "format-samples" / "corpora" / "persica.csv", tmp / "persica", 200),
        "json: article arrays (FarsNews, Varzesh3)": lambda: _files([corpora / "farsnews-varzesh3"]),
        "json: feed dumps (Hamshahri, Radio Farda)": lambda: _files([corpora / "rss-hamshahri-radiofarda"]),
        "jsonl (the FarsNews dump as lines)": lambda: _jsonl(shared, tmp),
        "csv (FarsNews 2023)": lambda: _files([corpora / "farsnews-2023"]),
        "rss (ten feeds)": lambda: _files([corpora / "rss-feeds"]) * 10,
        "xml: Hamshahri2 (the .ham texts as XML)": lambda: _hamshahri_xml(shared, tmp),
        "xml: TNews": lambda: _repeat(corpora / "format-samples" / "corpora" / "tnews" / "201409" / "20140923.xml",
                                      tmp / "tnews", 200),
        "ham (Hamshahri2 texts)": lambda: _ham_texts(shared),
        "warc (modelled pages, CSS beside them)": lambda: _warc(tmp, gzip=False),
        "warc.gz (the same, per-record gzip)": lambda: _warc(tmp),
        "json.gz (FarsNews dump)": lambda: _packed(shared, tmp, "gz"),
        "zip (FarsNews dump)": lambda: _packed(shared, tmp, "zip"),
        "tar.gz (FarsNews dump)": lambda: _packed(shared, tmp, "tar"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    if not (args.shared / "corpora").is_dir():
        print(f"no corpora at {args.shared}/corpora", file=sys.stderr)
        return 2
    results = {}
    with tempfile.TemporaryDirectory(prefix="khabar-bench-readers-") as tmp:
        for name, make in formats(args.shared, Path(tmp)).items():
            files = make()
            results[name] = measure(files, args.rounds)
            if not args.json:
                r = results[name]
                inside = (f"   ({r['mb_inside']:.2f} MB inside: {r['mb_inside_per_s']:.2f} MB/s)"
                          if r["mb_inside"] != r["mb"] else "")
                print(f"{name:46} {r['mb']:8.2f} MB {r['articles']:7d} articles {r['mb_per_s']:8.2f} MB/s{inside}",
                      flush=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        html = results["html (modelled pages, the yardstick)"]["mb_inside_per_s"]
        slower = [name for name, r in results.items() if r["mb_inside_per_s"] < html]
        print(f"\nslower than the HTML reader per MB read (inside, for compressed files): {', '.join(slower) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
