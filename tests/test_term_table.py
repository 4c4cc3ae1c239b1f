"""A segment's term table written by :class:`indexer.term_table.TermTableWriter` is the
layout's, byte for byte, as a writer of one slot at a time (Whoosh's way) makes it.

TermTableWriter packs each of the table's 256 hash buckets in one write instead
of a write per slot; in a build's flush, :func:`indexer.codec.KhabarFieldWriter.add_terms`
writes the records before them in runs (tests/test_bulk_inversion.py compares that
segment with Whoosh's own writer's).
"""

from __future__ import annotations

from pathlib import Path

from whoosh.filedb.structfile import StructFile

from khabar.indexer.term_table import SLOT, TermTableReader, TermTableWriter
from khabar.indexer.persian.analyzer import persian_analyzer

from conftest import bundled_documents


def _records() -> list[tuple[bytes, bytes]]:
    """The bundled articles' index terms as a term table's keys (a field number, then the
    term), in order, each with a value of its own (its article count and first article)."""
    analyzer = persian_analyzer()
    seen: dict[str, list[int]] = {}
    for number, doc in enumerate(bundled_documents(120)):
        for term in analyzer.term_positions(doc["all"]):
            seen.setdefault(term, []).append(number)
    return [(b"\x00\x01" + term.encode("utf-8"), len(numbers).to_bytes(3, "big") + numbers[0].to_bytes(2, "big"))
            for term, numbers in sorted(seen.items(), key=lambda item: item[0].encode("utf-8"))]


class SlotBySlotWriter(TermTableWriter):
    """The reference: Whoosh's OrderedHashWriter._write_hashes in this layout's slots."""

    def _write_hashes(self) -> None:
        dbfile = self.dbfile
        for entries in self.buckets:
            numslots = 2 * len(entries)
            self.directory.append((dbfile.tell(), numslots))
            table = [(0, 0)] * numslots
            for hashed, position in entries:
                slot = (hashed >> 8) % numslots
                while table[slot][1]:
                    slot = (slot + 1) % numslots
                table[slot] = (hashed, position)
            for hashed, position in table:
                dbfile.write(SLOT.pack(hashed, position))


def _table(writer_class, records: list[tuple[bytes, bytes]], path: Path) -> bytes:
    writer = writer_class(StructFile(open(path, "wb")))
    for key, value in records:
        writer.add(key, value)
    writer.close()
    return path.read_bytes()


def test_the_table_is_the_slot_by_slot_writers_byte_for_byte(tmp_path):
    records = _records()
    assert len(records) > 5000  # buckets of every size, collisions in each
    assert _table(TermTableWriter, records, tmp_path / "ours") == _table(SlotBySlotWriter, records, tmp_path / "ref")


def test_every_key_is_found_again(tmp_path):
    records = _records()
    _table(TermTableWriter, records, tmp_path / "ours")
    with open(tmp_path / "ours", "rb") as raw:
        reader = TermTableReader(StructFile(raw), (tmp_path / "ours").stat().st_size)
        assert all(reader[key] == value for key, value in records)
        assert b"\x00\x01" + "نبود‌این".encode() not in reader


def test_an_empty_table_is_the_slot_by_slot_writers(tmp_path):
    assert _table(TermTableWriter, [], tmp_path / "ours") == _table(SlotBySlotWriter, [], tmp_path / "ref")


def test_keys_hash_as_whooshs_md5_hash():
    from whoosh.filedb.filetables import md5_hash

    from khabar.indexer.term_table import md5_low_bits

    keys = [key for key, _ in _records()[:3000]] + [b"", b"\xff" * 40]
    assert [md5_low_bits(key) for key in keys] == [md5_hash(key) for key in keys]


def _segment_term_table(folder: Path) -> bytes:
    from whoosh.index import create_in

    from khabar.indexer.codec import KhabarCodec
    from khabar.indexer.schema import build_schema
    from khabar.indexer.segment_writer import InvertingSegmentWriter

    folder.mkdir()
    writer = InvertingSegmentWriter(create_in(str(folder), build_schema()), codec=KhabarCodec(), compound=False)
    for doc in bundled_documents(60):
        writer.add_document(**doc)
    writer.commit()
    return next(folder.glob("MAIN_*.trm")).read_bytes()


def test_a_flush_writing_its_records_a_few_at_a_time_makes_the_same_table(tmp_path, monkeypatch):
    import khabar.indexer.codec as codec

    whole = _segment_term_table(tmp_path / "whole")
    monkeypatch.setattr(codec, "_RECORDS_HELD", 3)
    assert _segment_term_table(tmp_path / "pieces") == whole
