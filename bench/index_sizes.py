"""Where an index's bytes go: per file kind, and per field in the term tables and postings.

    python bench/index_sizes.py INDEX_DIR [--text-bytes N] [--stored]

Prints the bytes of each kind of file inside the segments (summed over them:
term tables, postings, each column, stored fields), the files beside them,
then each field's term count, its term table bytes (keys, term infos, and
the fixed bytes a term costs in the table's layout beyond them) and its
postings' bytes. ``--stored``: also what each stored field adds to the
stored-fields pickles (each article's compressed without it; slow).
"""

from __future__ import annotations

import argparse
import collections
import pickle
import struct
import zlib
from pathlib import Path


def segment_files(index_dir: Path) -> dict[str, int]:
    """Bytes per kind of file inside the compound segment files (the name after the segment's)."""
    kinds: collections.Counter[str] = collections.Counter()
    for seg in sorted(index_dir.glob("*.seg")):
        with open(seg, "rb") as f:
            offset, _length = struct.unpack("!qi", f.read(12))
            f.seek(offset)
            directory = pickle.load(f)
        for name, info in directory.items():
            kinds[name.split(".", 1)[1]] += info["length"]
    return dict(kinds)


def term_tables(index_dir: Path) -> list[tuple[str, int, int, int, int, int]]:
    """Per field: terms, key bytes, term info bytes, fixed bytes of the layout, postings bytes."""
    from whoosh import index as whoosh_index

    from khabar.indexer.codec import KhabarTermInfo, is_inlined_info

    per_term = None
    rows: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    with whoosh_index.open_dir(str(index_dir), indexname="MAIN").reader() as reader:
        for segment, _base in reader.leaf_readers():
            table = segment._terms._tindex
            if per_term is None:
                try:
                    from khabar.indexer.term_table import RECORD_LENGTHS, SLOT

                    per_term = RECORD_LENGTHS.size + 2 * SLOT.size + table.indexsize
                except ImportError:  # Whoosh's layout (code before indexer/term_table.py)
                    per_term = 8 + 2 * 12 + table.indexsize
            names = {number: name for name, number in table.extras["fieldmap"].items()}
            for key, value in table.items():
                row = rows[names[struct.unpack("!H", key[:2])[0]]]
                row[0] += 1
                row[1] += len(key)
                row[2] += len(value)
                if not is_inlined_info(value):
                    row[3] += KhabarTermInfo.from_bytes(value).extent()[1]
    return sorted(((name, n, k, v, n * per_term, p) for name, (n, k, v, p) in rows.items()),
                  key=lambda row: -(row[2] + row[3] + row[4]))


def stored_shares(index_dir: Path) -> dict[str, int]:
    """What each stored field adds to the articles' pickles compressed alone (as stored)."""
    from whoosh import index as whoosh_index

    shares: collections.Counter[str] = collections.Counter()
    with whoosh_index.open_dir(str(index_dir), indexname="MAIN").reader() as reader:
        for segment, _base in reader.leaf_readers():
            column = segment._perdoc._cached_reader("_stored", __import__("whoosh.codec.whoosh3").codec.whoosh3.STORED_COLUMN)
            for docnum in range(segment.doc_count_all()):
                stored = column[docnum] or {}
                whole = len(zlib.compress(pickle.dumps(stored, 4), 3))
                for name in stored:
                    rest = {key: value for key, value in stored.items() if key != name}
                    shares[name] += whole - len(zlib.compress(pickle.dumps(rest, 4), 3))
    return dict(shares)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--text-bytes", type=int, help="the corpus' text bytes, for ratios")
    parser.add_argument("--stored", action="store_true", help="each stored field's share of the stored pickles")
    args = parser.parse_args()
    total = sum(p.stat().st_size for p in args.index.rglob("*") if p.is_file())
    ratio = (lambda n: f" {n / args.text_bytes:6.3f}x") if args.text_bytes else (lambda n: "")
    print(f"index {total:,} bytes{ratio(total)}; segments: {len(list(args.index.glob('*.seg')))}")
    print("\nin the segments, by kind of file")
    for kind, size in sorted(segment_files(args.index).items(), key=lambda item: -item[1]):
        print(f"  {kind:24} {size:>12,}{ratio(size)}")
    print("\nbeside them")
    for path in sorted(p for p in args.index.iterdir() if p.is_file() and p.suffix != ".seg"):
        print(f"  {path.name:24} {path.stat().st_size:>12,}")
    print(f"\n{'field':14} {'terms':>9} {'keys':>11} {'term infos':>11} {'fixed':>11} {'table':>11} {'postings':>11}")
    for name, n, keys, infos, fixed, postings in term_tables(args.index):
        print(f"{name:14} {n:>9,} {keys:>11,} {infos:>11,} {fixed:>11,} {keys + infos + fixed:>11,} {postings:>11,}")
    if args.stored:
        print("\nstored fields: each one's share of the compressed pickles")
        for name, size in sorted(stored_shares(args.index).items(), key=lambda item: -item[1]):
            print(f"  {name:14} {size:>11,}")


if __name__ == "__main__":
    main()
