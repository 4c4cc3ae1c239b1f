"""Writing new segments by inverting documents in memory, one process per core.

Whoosh's SegmentWriter sends every posting through a sorting pool as a
tuple, sorts them all, then hands them one at a time to the field writer,
which looks up the document's field length for each: about half of the
indexing time. :class:`InvertingSegmentWriter` keeps a text field's postings
in bulk while documents are added (:class:`_BulkPostings`: flat arrays of
term numbers, frequencies and positions, extended a document at a time by C
loops, no object per posting), then at flush sorts them by term and encodes
every posting's positions at once with numpy, and writes each term's list in
one go, in blocks. The bytes on disk are those of
:class:`indexer.codec.KhabarCodec`; tests compare them with Whoosh's.

:class:`ParallelWriter` is Whoosh's MpWriter with these writers in its
worker processes: each worker finishes a segment whenever it holds
``SEGMENT_POSTINGS`` postings, so memory stays bounded whatever the corpus
size, one worker at a time (:mod:`indexer.flush_turns`), merges them level by level as they accumulate (:mod:`indexer.merge`),
so their number grows as the log of the corpus, and every segment left goes
into the index's table of contents at commit.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import sys
from array import array
from dataclasses import dataclass
from itertools import chain, count

from whoosh.multiproc import MpWriter
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from .children import WorkerFailed, ctrl_c_deferred, forkserver_context, init_worker
from .codec import CompactPositions
from .flush_turns import FlushTurns
from .merge import MERGE_FACTOR, Leveled, merge_due, merge_full_levels, merge_segments
from .persian.written import WrittenWordSet

# ~1.5M postings of the combined text field take ~110 MB in a worker.
SEGMENT_POSTINGS = 1_500_000
# Incremental runs each add a small segment; this many are merged into one.
MERGE_SMALL_SEGMENTS = 4


_NO_COLUMN = object()  # a field without a column value (None is a value)


class _Postings:
    """One term's postings in a segment being written."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self) -> None:
        self.ids = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []


class _BulkPostings:
    """A field's postings in a segment being written, in bulk: per posting its
    term's number and its frequency, the positions of all of them one after
    the other, and per document its number and how many postings it has.
    Adding a document is a few C loops, whatever its number of words; the
    lists are sorted by term and encoded once, at flush (:meth:`sorted_lists`).

    ``positioned``: the field keeps frequencies and positions (analysed text);
    else each posting is a document number alone (the spelling field's forms).
    """

    __slots__ = ("positioned", "boost", "numbers", "_numbering", "term_numbers", "frequencies", "positions",
                 "docnums", "counts")

    def __init__(self, positioned: bool, boost: float) -> None:
        self.positioned = positioned
        self.boost = boost
        self.numbers: dict[str, int] = {}  # term → its number (numbers are not dense: see add)
        self._numbering = count()
        self.term_numbers = array("I")
        self.frequencies = array("I")
        self.positions = array("I")
        self.docnums = array("I")
        self.counts = array("I")

    def add(self, docnum: int, terms) -> int:
        """Add a document's postings: ``terms`` maps each term to its positions
        (positioned) or holds each term once. Returns the count of postings."""
        # setdefault with a counter numbers a new term (and skips a number for a known one):
        # one C loop, no Python code per term.
        self.term_numbers.extend(map(self.numbers.setdefault, terms, self._numbering))
        if self.positioned:
            self.frequencies.extend(map(len, terms.values()))
            self.positions.extend(chain.from_iterable(terms.values()))
        self.docnums.append(docnum)
        self.counts.append(len(terms))
        return len(terms)

    def sorted_lists(self):
        """``(terms, ends, ids, weights, value lengths, values)``: the terms in order
        (str, as UTF-8 byte order is code point order), where each one's postings end,
        and every posting in term order, then document order, as arrays; each
        value is a position list as :meth:`indexer.codec.CompactPositions.encode` writes it,
        all of them in one byte string."""
        import numpy as np

        terms = sorted(self.numbers)
        numbers = np.frombuffer(self.term_numbers, dtype=np.uint32)
        rank_of = np.zeros(next(self._numbering), dtype=np.uint32)
        rank_of[np.fromiter(map(self.numbers.__getitem__, terms), dtype=np.int64, count=len(terms))] = np.arange(
            len(terms), dtype=np.uint32)
        ranks = rank_of[numbers]
        del rank_of, numbers
        # stable: each term's postings stay in document order. 4 bytes a posting, not argsort's 8:
        # every array here is alive at once at the flush's peak.
        order = np.argsort(ranks, kind="stable").astype(np.uint32)
        ends = np.cumsum(np.bincount(ranks, minlength=len(terms)))
        del ranks
        docs = np.repeat(np.frombuffer(self.docnums, dtype=np.uint32), np.frombuffer(self.counts, dtype=np.uint32))
        ids = _as_array("I", docs[order])
        del docs
        if not self.positioned:
            return terms, ends, ids, array("f", [self.boost]) * len(ids), None, b""
        frequencies = np.frombuffer(self.frequencies, dtype=np.uint32)
        weights = _as_array("f", (frequencies[order] * self.boost).astype(np.float32))
        value_lengths, values = _encoded_positions(frequencies, np.frombuffer(self.positions, dtype=np.uint32), order)
        return terms, ends, ids, weights, value_lengths, values


def _as_array(typecode: str, values) -> array:
    """A numpy array as an ``array`` (sliced per term at flush: a C slice, where numpy's costs a microsecond)."""
    out = array(typecode)
    # numpy's type codes are C's, as array's; read through a view, not a copy in bytes
    out.frombytes(memoryview(values.astype(typecode, copy=False)).cast("B"))
    return out


_ENCODE_CHUNK = 1 << 17  # postings encoded at once at flush


def _encoded_positions(frequencies, positions, order) -> tuple[array, bytes]:
    """Every posting's positions encoded as :meth:`indexer.codec.CompactPositions.encode`
    does (a type code, then the deltas in the narrowest type holding them),
    the postings in ``order``: their lengths, and the values one after the other."""
    import numpy as np

    postings = len(frequencies)
    starts = np.zeros(postings + 1, dtype=np.int64)  # where each posting's positions start, and the end
    np.cumsum(frequencies, out=starts[1:])
    # uint32 (positions are): a delta across two postings wraps, and is replaced by the position.
    deltas = positions.copy()
    deltas[1:] -= positions[:-1]
    deltas[starts[:-1]] = positions[starts[:-1]]  # a posting's first position is its own
    largest = np.maximum.reduceat(deltas, starts[:-1]) if postings else deltas
    codes = (largest >= 0x100).astype(np.uint8) + (largest >= 0x10000)
    del largest
    # Narrow types (a width is 1, 2 or 4; a value's length fits 32 bits): these arrays are
    # alive together at the flush's peak, where int64 ones made it ~50 MB higher.
    widths = np.left_shift(1, codes, dtype=np.uint8)
    sorted_lengths = (1 + frequencies * widths)[order]  # uint32
    at = np.empty(postings, dtype=np.int64)  # where each posting's value starts, in ``order``
    starts_sorted = np.zeros(postings, dtype=np.int64)
    np.cumsum(sorted_lengths[:-1], dtype=np.int64, out=starts_sorted[1:])
    at[order] = starts_sorted
    del starts_sorted
    out = np.zeros(int(sorted_lengths.sum(dtype=np.int64)), dtype=np.uint8)
    out[at] = codes
    # A chunk of postings at a time: each position takes ~50 bytes of temporaries here,
    # and a segment holds millions (a worker's peak grew by ~100 MB when done at once).
    owner = width = place = chunk = wide = None  # the chunks' temporaries (none without postings)
    for first in range(0, postings, _ENCODE_CHUNK):
        last = min(first + _ENCODE_CHUNK, postings)
        begin, end = int(starts[first]), int(starts[last])
        owner = np.repeat(np.arange(first, last), frequencies[first:last])
        width = widths[owner]
        place = at[owner] + 1 + (np.arange(begin, end) - starts[owner]) * width
        chunk = deltas[begin:end]
        for byte in range(4):  # little-endian, as the codec writes its arrays
            wide = np.flatnonzero(width > byte)
            if not len(wide):
                break
            out[place[wide] + byte] = (chunk[wide] >> (8 * byte)) & 0xFF
    value_lengths = _as_array("I", sorted_lengths)
    del deltas, starts, at, widths, codes, sorted_lengths, owner, width, place, chunk, wide
    return value_lengths, out.tobytes()


class InvertingSegmentWriter(SegmentWriter):
    """A SegmentWriter that inverts in memory and writes each posting list whole."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        unsupported = [name for name, field in self.schema.items()
                       if field.vector or field.separate_spelling()]
        if unsupported:
            raise ValueError(f"fields with term vectors or spelling are not supported: {unsupported}")
        self._terms: dict[str, dict] = {}  # field → term (bytes) → _Postings: keys, dates, numbers
        self._bulk: dict[str, _BulkPostings] = {}  # analysed text and written forms
        self._lengths: dict[str, array] = {}  # scorable field → length per document
        self.posting_count = 0

    def add_document(self, **fields):
        """Add one document whole or not at all: every field is analysed before
        anything is written, so a document that fails leaves no trace."""
        prepared = []
        for name, value, field in given_fields(self, fields):
            items = self._analysed(field, value) if field.indexed else []
            stored = fields.get(f"_stored_{name}", value)
            column = field.to_column_value(stored) if field.column_type and stored is not None else _NO_COLUMN
            prepared.append((name, field, items, stored, column))
        # Nothing below depends on the document's content: it cannot fail halfway.
        perdoc = self.perdocwriter
        docnum = self.docnum
        perdoc.start_doc(docnum)
        for name, field, items, stored, column in prepared:
            length = 0
            if field.indexed:
                if isinstance(items, list):
                    counted = self._add_postings(name, items, docnum)
                else:
                    counted = self._add_bulk(name, field, items, docnum)
                if field.scorable:  # as Whoosh: lengths of scored fields only
                    length = counted
                    lengths = self._lengths.setdefault(name, array("I"))
                    lengths.extend([0] * (docnum + 1 - len(lengths)))
                    lengths[docnum] = length
            _store(perdoc, name, field, stored, length, column)
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    @staticmethod
    def inverted(field, value) -> list:
        """One field's ``(term, freq, weight, value bytes)`` of a document."""
        # Analysed text and written forms give str terms (encoded once per segment,
        # at flush); keys, dates and numbers come through Whoosh's own field indexing.
        if isinstance(field.format, (CompactPositions, WrittenWordSet)):
            return list(field.format.word_values(value, field.analyzer, mode="index"))
        return list(field.index(value))

    @staticmethod
    def _analysed(field, value):
        """What a field's value is indexed as: each term's positions (a dict) for
        analysed text, the forms (a set) for written forms, else :meth:`inverted`'s list."""
        fmt = field.format
        if isinstance(fmt, CompactPositions):
            found = fmt.term_positions(value, field.analyzer)
            if found is not None:
                return found
        elif isinstance(fmt, WrittenWordSet):
            return fmt.forms(value)
        return InvertingSegmentWriter.inverted(field, value)

    def _add_bulk(self, name: str, field, terms, docnum: int) -> int:
        """Add one field's terms of a document (:meth:`_analysed`); its length (sum of frequencies)."""
        bulk = self._bulk.get(name)
        positioned = isinstance(terms, dict)
        if bulk is None:
            bulk = self._bulk[name] = _BulkPostings(positioned, field.format.field_boost)
        before = len(bulk.positions)
        postings = bulk.add(docnum, terms)
        if not positioned:
            return postings
        # Only postings with positions count towards SEGMENT_POSTINGS: they hold the
        # memory; the spelling field's (a document number each) must not add segments.
        self.posting_count += postings
        return len(bulk.positions) - before

    def _add_postings(self, name: str, items: list, docnum: int) -> int:
        """Add one field's postings of a document; its length (sum of frequencies)."""
        table = self._terms.get(name)
        if table is None:
            table = self._terms[name] = {}
        length = positioned = 0
        for term, freq, weight, vbytes in items:
            try:
                postings = table[term]
            except KeyError:
                postings = table[term] = _Postings()
            postings.ids.append(docnum)
            postings.weights.append(weight)
            if vbytes:
                postings.values.append(vbytes)
                positioned += 1
            length += freq
        # Only postings with positions count towards SEGMENT_POSTINGS: they hold the
        # memory; the spelling field's (a document number each) must not add segments.
        self.posting_count += positioned
        return length

    def _flush_segment(self):
        self.perdocwriter.close()
        writer = self.fieldwriter
        for name in sorted(self._terms.keys() | self._bulk.keys()):
            field = self.schema[name]
            lengths = self._lengths.get(name) if field.scorable else None
            writer.start_field(name, field)
            if name in self._bulk:
                _write_bulk(writer, self._bulk, name, lengths)
            else:
                for term in sorted(self._terms[name]):
                    postings = self._terms[name][term]
                    writer.start_term(term.encode("utf-8") if isinstance(term, str) else term)
                    writer.add_list(postings.ids, postings.weights, postings.values, lengths)
                    writer.finish_term()
            writer.finish_field()
        self._terms.clear()
        self._bulk.clear()
        writer.close()


def _write_bulk(writer, bulks: dict[str, _BulkPostings], name: str, lengths) -> None:
    """Write field ``name``'s postings held in bulk (KhabarFieldWriter.add_terms), the terms
    in order, ``_WRITTEN_POSTINGS`` postings' worth at a time: add_terms works out a call's
    lists with ~10 numpy arrays of 8 bytes a posting, all of a field's at once before. Each
    term's bytes depend on its own postings only: the same files whatever the pieces.
    Its bulk is dropped from ``bulks`` once sorted: its arrays are freed before the lists
    are written, not after every field's. Both together: a 1.5M-posting segment's flush
    peaked at 356 MB RSS, 386 before (8,015 articles of the news set, in one process).
    The rest of the flush's peak was sorted_lists' temporaries, alive at once: +121 MB
    anonymous over the writer at its limit with 8-byte ones, +67 MB with them narrowed
    (8,065 articles of the 16x corpus, one writer; the same segment bytes)."""
    import numpy as np

    terms, ends, ids, weights, value_lengths, values = bulks.pop(name).sorted_lists()
    encoded = [term.encode("utf-8") for term in terms]
    if not encoded:
        writer.add_terms(encoded, ends, ids, weights, value_lengths, values, lengths)
        return
    first = done = value_done = 0  # the piece's first term, postings and value bytes before it
    while first < len(encoded):
        last = max(first + 1, int(np.searchsorted(ends, done + _WRITTEN_POSTINGS, side="right")))
        upto = int(ends[last - 1])
        piece_lengths = None if value_lengths is None else value_lengths[done:upto]
        value_upto = value_done + (sum(piece_lengths) if piece_lengths is not None else 0)
        writer.add_terms(encoded[first:last], ends[first:last] - done, ids[done:upto], weights[done:upto],
                         piece_lengths, values[value_done:value_upto], lengths)
        first, done, value_done = last, upto, value_upto


_WRITTEN_POSTINGS = 1 << 18  # postings of one field written at once at flush (~20 MB of add_terms' arrays)


def _store(perdoc, name: str, field, stored, length: int, column) -> None:
    """One field's stored value, length and column value of the document being written."""
    perdoc.add_field(name, field, stored if field.stored else None, length)
    if column is not _NO_COLUMN:
        perdoc.add_column_value(name, field.column_type, column)


def given_fields(writer, fields: dict):
    """``(name, value, field)`` of a document's fields that have a value, in Whoosh's
    order, after the writer's own checks (open, every name in the schema)."""
    writer._check_state()
    names = sorted(name for name in fields if not name.startswith("_"))
    writer._check_fields(writer.schema, names)
    for name in names:
        if fields[name] is not None:
            yield name, fields[name], writer.schema[name]


def _run_worker(storage, indexname, jobqueue, resultqueue, kwargs):
    """A worker process: index the job files it is given into one or more segments.

    A failure (a full disk, say) is sent to the indexer, which reports it in
    one line, instead of a traceback on stderr from this process.
    """
    # Ctrl-C is the indexer's (it stops the workers: ParallelWriter.cancel),
    # and a worker exits as soon as the indexer dies (children.py).
    init_worker()
    try:
        result = _segments(storage, indexname, jobqueue, kwargs)
    except Exception as error:  # noqa: BLE001 - reported by the indexer, which fails the run
        # The segment's files hold buffers that cannot be written (a full
        # disk): reported once, by the indexer, not again as they are dropped.
        sys.unraisablehook = lambda unraisable: None
        if isinstance(error, OSError):
            result = _Failure(error.errno, error.strerror or str(error), error.filename)
        else:
            result = _Failure(None, failure_reason(error, "write a segment"), None)
    try:
        resultqueue.put(result, timeout=5)
    except Exception:  # noqa: BLE001 - the indexer is gone or stopping us: nobody to tell
        os._exit(1)
    if isinstance(result, _Failure):
        resultqueue.close()
        resultqueue.join_thread()
        os._exit(1)


@dataclass(frozen=True, slots=True)
class _Failure:
    """What a worker sends instead of its segments when it failed."""

    errno: int | None
    reason: str
    filename: str | None

    def error(self) -> Exception:
        if self.errno is not None:
            return OSError(self.errno, self.reason, self.filename)
        return WorkerFailed(f"an indexing worker process failed: {self.reason}")


def _segments(storage, indexname, jobqueue, kwargs) -> tuple[list, list[tuple[str, str]]]:
    """The segments a worker wrote, and the documents it left out."""
    ix = storage.open_index(indexname)
    kwargs = dict(kwargs)
    turns = FlushTurns(kwargs.pop("flush_lock", None), kwargs.pop("segment_postings"))
    factor = kwargs.pop("merge_factor")
    writer = InvertingSegmentWriter(ix, _lk=False, **kwargs)
    stack: list[Leveled] = []  # merged as they fill a level: log(N) segments (indexer/merge.py)
    skipped: list[tuple[str, str]] = []
    while (job := _next_job(jobqueue)) is not None:
        filename, count = job
        tempstorage = writer.temp_storage()
        with tempstorage.open_file(filename).raw_file() as batch:
            documents = [pickle.load(batch)[1] for _ in range(count)]
        tempstorage.delete_file(filename)
        skipped += add_documents(writer, documents)
        if turns.take(writer.posting_count):
            try:
                stack.append(Leveled(writer._finalize_segment()))
            finally:
                turns.give()
            writer = None  # its buffers are freed before the merge, not after
            if merge_due(stack, factor):
                release_free_memory()
                stack = merge_full_levels(ix, stack, kwargs, factor)
            writer = InvertingSegmentWriter(ix, _lk=False, **kwargs)
    if writer._added:
        turns.take(writer.posting_count, last=True)  # both workers' input ends at once
        try:
            stack.append(Leveled(writer._finalize_segment()))
        finally:
            turns.give()
    else:
        writer._close_segment()
    return [item.segment for item in stack], skipped


def release_free_memory() -> bool:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``);
    False where there is no such call (another C library).

    A segment's flush sorts and encodes its postings in ~150 MB of numpy
    temporaries; once freed, glibc keeps most of them in its heap (it returns
    only a free top of the heap): a worker then went into the next segment, or
    a merge, with ~190 MB free but held, which counts in its memory. Trimming
    costs a walk of the heap's free lists, milliseconds.
    """
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True


def add_documents(writer, documents: list[dict]) -> list[tuple[str, str]]:
    """Add each document whole; one whose content fails (its analysis, a value
    Whoosh cannot take) is left out and listed as ``(its _label, why)``."""
    skipped = []
    for fields in documents:
        try:
            writer.add_document(**fields)
        except (OSError, MemoryError):
            raise  # the system's failure, not the document's
        except Exception as error:  # noqa: BLE001 - one article's data: only it is left out
            skipped.append((str(fields.get("_label", fields.get("id", "?"))), failure_reason(error)))
    return skipped


def failure_reason(error: BaseException, doing: str = "index") -> str:
    """Why one article could not be indexed (or one file read), in one line."""
    detail = " ".join(str(error).split())[:200]
    return f"could not {doing}: {type(error).__name__}" + (f": {detail}" if detail else "")


def _next_job(jobqueue):
    """The next job, or None when told to finish or when the indexing process
    has died (killed: nobody will ever send the end; init_worker's watcher
    normally ends the process first)."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            return jobqueue.get(timeout=2)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                return None


class _CommitHook:
    """Calls ``on_commit`` just before the table of contents that commits the run is
    written: from there on the run is finished, not undone."""

    on_commit = None

    def _commit_toc(self, segments):
        if self.on_commit is not None:
            self.on_commit()
        super()._commit_toc(segments)


class IndexWriter(_CommitHook, SegmentWriter):
    """Whoosh's SegmentWriter, as incremental runs use it, with the commit hook, and
    documents added whole or not at all.

    Whoosh's own add_document sends each field's postings to the pool as it
    analyses them: a document whose third field fails leaves the first two's
    postings behind, credited to the next document added. Here every field is
    analysed first; the same postings, in the same order, then go in together.
    """

    def add_document(self, **fields):
        docboost = self._doc_boost(fields)
        prepared = []
        for name, value, field in given_fields(self, fields):
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: term vectors and spelling are not supported")
            postings, length = [], 0
            if field.indexed:
                boost = self._field_boost(fields, name, docboost)
                for tbytes, freq, weight, vbytes in field.index(value):
                    postings.append((tbytes, weight * boost, vbytes))
                    if field.scorable:
                        length += freq
            stored = fields.get(f"_stored_{name}", value)
            column = field.to_column_value(stored) if field.column_type and stored is not None else _NO_COLUMN
            prepared.append((name, field, postings, length, stored, column))
        # Nothing below depends on the document's content: it cannot fail halfway.
        perdoc = self.perdocwriter
        docnum = self.docnum
        add = self.pool.add
        perdoc.start_doc(docnum)
        for name, field, postings, length, stored, column in prepared:
            for tbytes, weight, vbytes in postings:
                add((name, tbytes, docnum, weight, vbytes))
            _store(perdoc, name, field, stored, length, column)
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    skipped: tuple = ()  # documents left out at commit: only ParallelWriter's workers do that


class ParallelWriter(_CommitHook, MpWriter):
    """Whoosh's MpWriter (multisegment) with :class:`InvertingSegmentWriter` workers."""

    def __init__(self, ix, procs: int, segment_postings: int = SEGMENT_POSTINGS, merge_factor: int = MERGE_FACTOR,
                 **kwargs):
        # Documents the workers left out (their analysis failed): (label, why).
        self.skipped: list[tuple[str, str]] = []
        forkserver_context()  # started with Ctrl-C held back, before MpWriter starts a worker from it
        super().__init__(ix, procs=procs, multisegment=True, start_method="forkserver", **kwargs)
        # Whoosh's default (MERGE_SMALL) would now see the workers' segments too (see _commit).
        self.mergetype = self.mergetype or merge_small_segments
        self.subargs = {**self.subargs, "segment_postings": segment_postings, "merge_factor": merge_factor,
                        "flush_lock": self._mpctx.Lock()}  # one worker flushes at a time (flush_turns.py)

    def _new_task(self):
        args = (self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs)
        task = self._mpctx.Process(target=_run_worker, args=args, daemon=True)
        with ctrl_c_deferred():  # a Ctrl-C never leaves a worker half-started and unknown to cancel()
            task.start()
            self.tasks.append(task)
        return task

    def cancel(self):
        # MpWriter cancels only its own Process subclass; these workers are
        # stopped here, or the failed run would wait for them forever.
        for task in self.tasks:
            task.terminate()
        for task in self.tasks:
            task.join()
        # Jobs still buffered for the dead workers must not hold up this
        # process's exit (a queue's feeder thread is joined at exit).
        for jobs in (self.jobqueue, self.resultqueue):
            jobs.cancel_join_thread()
            jobs.close()
        SegmentWriter.cancel(self)

    def _put(self, job) -> None:
        """Queue a job, failing instead of waiting forever when workers have died."""
        while True:
            try:
                self.jobqueue.put(job, timeout=1)
                return
            except queue.Full:
                self._check_workers()

    def _enqueue(self):
        # MpWriter's, except that a worker that died does not leave this
        # process waiting forever for room in the job queue.
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as batch:
            for item in self.docbuffer:
                pickle.dump(item, batch, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _check_workers(self) -> None:
        failed = [task.exitcode for task in self.tasks if task.exitcode]
        if failed:
            # Before its commit only a failed worker writes to the result queue: say why it failed.
            while True:
                try:
                    report = self.resultqueue.get(timeout=0.1)
                except (queue.Empty, OSError, EOFError):
                    break
                if isinstance(report, _Failure):
                    raise report.error()
            raise WorkerFailed(f"an indexing worker process failed (exit status {failed[0]})")

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self._put(None)
        # Results before join: a worker cannot exit while its result is unread.
        produced = []
        while len(produced) < len(self.tasks):
            try:
                report = self.resultqueue.get(timeout=1)
            except queue.Empty:
                self._check_workers()
                continue
            if isinstance(report, _Failure):
                raise report.error()
            produced.append(report)
        for task in self.tasks:
            task.join()
        for segments, skipped in produced:
            self.segments = self.segments + segments
            self.skipped += skipped
        # The merge policy sees the workers' segments too: a build's last ones (the levels
        # each worker had not filled) were left for the next run to fold, which made a 1M
        # index's first "nothing changed" run 55.6 s instead of ~19.
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()


def merge_small_segments(writer, segments: list) -> list:
    """Merge policy for commits: fold the small segments that incremental runs
    leave behind (under a quarter of the largest, in live articles) into the new one once there
    are ``MERGE_SMALL_SEGMENTS`` of them; never rewrite the large ones.

    Whoosh's MERGE_SMALL compares segment counts with a Fibonacci bound and,
    once an index has ~23 segments (a 16x build writes ~20), rewrites all of
    them in one run: minutes for what should be a small update.
    """
    # A segment whose every article was deleted holds nothing: dropped, not read (Whoosh
    # deletes its file after the commit). Incremental runs leave such ones (files added,
    # then deleted), and add_reader read each of them whole.
    segments = [segment for segment in segments if segment.doc_count()]
    if not segments:
        return segments
    # Live articles: a segment mostly deleted by later updates counts as small.
    largest = max(segment.doc_count() for segment in segments)
    small = [segment for segment in segments if segment.doc_count() * 4 < largest]
    if len(small) < MERGE_SMALL_SEGMENTS:
        return segments
    from whoosh.index import FileIndex
    from whoosh.reading import SegmentReader

    # Those without deletions are copied block by block (indexer/merge.py), the others
    # decoded and added again by Whoosh's add_reader, which drops their deleted articles.
    whole = [segment for segment in small if not segment.has_deletions()]
    merged = []
    if len(whole) > 1:
        ix = FileIndex(writer.storage, writer.schema, writer.indexname)
        merged = [merge_segments(ix, whole, {"codec": writer.codec}, delete_sources=False)]
    else:
        whole = []
    for segment in small:
        if segment not in whole:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return [segment for segment in segments if segment not in small] + merged
