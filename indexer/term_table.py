"""A segment's term table: Whoosh's ordered hash file with narrower fixed parts.

Whoosh's hash file (``whoosh.filedb.filetables``) writes, for every key, its
key and value lengths as two 4-byte ints, and two hash-table slots of a
4-byte hash and an 8-byte position: 32 bytes a term before the term and its
term info, more than both together for most terms (a word in one or two
articles; an id). On the 1x news set that was ~9 MB of a 59 MB index.
Here the lengths are two 2-byte ints (keys and term infos are far shorter
than 64 KB: the writer refuses longer ones) and a slot is two 4-byte ints
(the file's positions fit: a term table is far smaller than 4 GB; refused
likewise): 20 bytes a term, the layout otherwise Whoosh's (the same 256
tables of twice as many slots as keys, the same hash function and probing,
the same ordered array of positions), so lookups read what they did.

The first four bytes name the layout (:data:`MAGIC`): a table in Whoosh's
own is not read as this one.
"""

from __future__ import annotations

import struct
from hashlib import md5

from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter, HashWriter
from whoosh.system import emptybytes
from whoosh.util.numlists import GrowableArray

MAGIC = b"KhT1"
RECORD_LENGTHS = struct.Struct("!HH")  # before each key and value: their lengths
SLOT = struct.Struct("!II")  # a hash-table slot: the key's hash, the item's position (0: empty)
_LONGEST = 0xFFFF
_FARTHEST = 0xFFFFFFFF


def record(key: bytes, value: bytes) -> bytes:
    """A key and its value as the table holds them (lengths, key, value)."""
    if len(key) > _LONGEST or len(value) > _LONGEST:
        raise ValueError(f"a term table key or value is longer than {_LONGEST} bytes: {key[:40]!r}")
    return RECORD_LENGTHS.pack(len(key), len(value)) + key + value


class TermTableWriter(OrderedHashWriter):
    """Whoosh's OrderedHashWriter in this module's layout (keys added in order)."""

    def __init__(self, dbfile) -> None:
        HashWriter.__init__(self, dbfile, magic=MAGIC)
        self.hashfn = md5_low_bits  # the same numbers as the md5_hash its header names (merges call it too)
        self.index = GrowableArray("H")
        self.lastkey = emptybytes

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        dbfile = self.dbfile
        position = dbfile.tell()
        self.index.append(position)
        dbfile.write(record(key, value))
        hashed = self.hashfn(key)
        self.buckets[hashed & 255].append((hashed, position))
        self.lastkey = key

    def _write_hashes(self) -> None:
        # Whoosh's: 256 tables, each of twice as many slots as its keys, linear probing
        # in the same order; a bucket packed and written in one call (Whoosh packs and
        # writes each slot alone, two a term: ~3 µs a term, millions in a merged segment).
        import numpy as np

        dbfile, directory = self.dbfile, self.directory
        for entries in self.buckets:
            numslots = 2 * len(entries)
            directory.append((dbfile.tell(), numslots))
            hashes, positions = [0] * numslots, [0] * numslots
            # An empty slot is (0, 0), and no key is at position 0 (the header is).
            for hashed, position in entries:
                slot = (hashed >> 8) % numslots
                while positions[slot]:
                    slot = (slot + 1) % numslots
                hashes[slot], positions[slot] = hashed, position
            if entries and max(positions) > _FARTHEST:
                raise ValueError("a term table is larger than 4 GB")
            table = np.empty(numslots, dtype=_SLOT_DTYPE)
            table["hash"], table["position"] = hashes, positions
            dbfile.write(table.tobytes())


_SLOT_DTYPE = [("hash", ">u4"), ("position", ">u4")]  # SLOT as a numpy record: 8 bytes, no padding


def md5_low_bits(key: bytes) -> int:
    """filetables' md5_hash: the digest's last four bytes, which its hex digest read as a
    number and cut to 32 bits is, without making the hex."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


class TermTableReader(OrderedHashReader):
    """Whoosh's OrderedHashReader of a :class:`TermTableWriter`'s file."""

    def __init__(self, dbfile, length=None) -> None:
        super().__init__(dbfile, length, magic=MAGIC)

    def key_at(self, pos):
        keylen = RECORD_LENGTHS.unpack(self.dbfile.get(pos, RECORD_LENGTHS.size))[0]
        return self.dbfile.get(pos + RECORD_LENGTHS.size, keylen)

    def key_and_range_at(self, pos):
        if pos >= self.endofdata:
            return None
        dbfile, step = self.dbfile, RECORD_LENGTHS.size
        keylen, datalen = RECORD_LENGTHS.unpack(dbfile.get(pos, step))
        return dbfile.get(pos + step, keylen), pos + step + keylen, datalen

    def _ranges(self, pos=None, eod=None):
        dbfile, step, unpack = self.dbfile, RECORD_LENGTHS.size, RECORD_LENGTHS.unpack
        pos = pos or self.startofdata
        eod = eod or self.endofdata
        while pos < eod:
            keylen, datalen = unpack(dbfile.get(pos, step))
            keypos = pos + step
            datapos = keypos + keylen
            yield keypos, keylen, datapos, datalen
            pos = datapos + datalen

    def ranges_for_key(self, key):
        if not isinstance(key, bytes):
            raise TypeError(f"Key {key!r} should be bytes")
        dbfile = self.dbfile
        keyhash = self.hashfn(key)
        start, numslots = self.tables[keyhash & 255]
        if not numslots:
            return
        size, step = SLOT.size, RECORD_LENGTHS.size
        end = start + numslots * size
        slotpos = start + ((keyhash >> 8) % numslots) * size
        for _ in range(numslots):
            slothash, itempos = SLOT.unpack(dbfile.get(slotpos, size))
            if not itempos:
                return
            if slothash == keyhash:
                keylen, datalen = RECORD_LENGTHS.unpack(dbfile.get(itempos, step))
                if keylen == len(key) and key == dbfile.get(itempos + step, keylen):
                    yield itempos + step + keylen, datalen
            slotpos += size
            if slotpos == end:
                slotpos = start
