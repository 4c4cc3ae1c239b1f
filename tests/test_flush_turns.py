"""Writer processes take turns to finish a segment (indexer/flush_turns.py): two never flush at once."""

from __future__ import annotations

import multiprocessing

from khabar.indexer.flush_turns import OVERRUN, FlushTurns


class RecordingLock:
    """A lock that says how it was asked for, and is free or not as the test sets it."""

    def __init__(self, free: bool) -> None:
        self.free = free
        self.asked: list[bool] = []
        self.released = 0

    def acquire(self, block: bool = True) -> bool:
        self.asked.append(block)
        return self.free or block  # a blocking acquire returns once the holder lets go

    def release(self) -> None:
        self.released += 1


def test_under_the_limit_no_turn_is_asked_for():
    lock = RecordingLock(free=True)
    turns = FlushTurns(lock, limit=1_000)
    assert not turns.take(999)
    assert lock.asked == []


def test_at_the_limit_a_taken_turn_means_go_on_adding_without_waiting():
    lock = RecordingLock(free=False)
    turns = FlushTurns(lock, limit=1_000)
    assert not turns.take(1_000)
    assert not turns.take(int(1_000 * OVERRUN) - 1)
    assert lock.asked == [False, False]  # never a wait: the core goes on analysing
    turns.give()
    assert lock.released == 0  # nothing was held


def test_far_past_the_limit_or_at_the_end_the_writer_waits_for_its_turn():
    for postings, last in ((int(1_000 * OVERRUN), False), (10, True)):
        lock = RecordingLock(free=False)
        turns = FlushTurns(lock, limit=1_000)
        assert turns.take(postings, last=last)
        assert lock.asked == [True]
        turns.give()
        turns.give()  # given back once only
        assert lock.released == 1


def test_a_single_writer_flushes_at_its_limit():
    turns = FlushTurns(None, limit=1_000)
    assert not turns.take(999)
    assert turns.take(1_000)
    turns.give()


def test_two_writers_sharing_a_process_lock_flush_one_at_a_time():
    lock = multiprocessing.get_context("forkserver").Lock()
    first, second = FlushTurns(lock, limit=100), FlushTurns(lock, limit=100)
    assert first.take(100)
    assert not second.take(120)  # the first is flushing: the second goes on
    first.give()
    assert second.take(130)
    assert not first.take(100)
    second.give()
    assert first.take(100)
    first.give()
