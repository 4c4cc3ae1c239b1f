"""Writer processes take turns to finish a segment, so that two never flush at once.

A worker's memory peaks while it finishes a segment (the sort and encoding of
its postings: ~120 MB over what it holds at its limit, measured on 8,000
articles of the 16x corpus). Two workers fed batches from one queue reach
their limit together and flushed together: the 1M build's highest memory
samples were both at their flush peak at once. With a turn taken, a worker
whose limit comes while the other is flushing goes on adding the next batch
(no core waits) and tries again after it; the other's flush is over long
before the overrun matters, and from then on the two stay apart.
"""

from __future__ import annotations

# A worker that has gone this far past its limit waits for its turn: its memory
# stays bounded even if the other's flush (or a stopped process) lasts.
OVERRUN = 1.5


class FlushTurns:
    """Whether a writer holding ``postings`` finishes its segment now.

    ``lock`` is a multiprocessing lock shared by the writers of one build
    (None: a single writer, which flushes at its limit). :meth:`take` acquires
    it when it answers True; :meth:`give` releases it once the segment is written.
    """

    def __init__(self, lock, limit: int) -> None:
        self.lock = lock
        self.limit = limit
        self.held = False

    def take(self, postings: int, last: bool = False) -> bool:
        """Whether to flush now: at the limit and the turn free, or far past it
        (``OVERRUN``) or at the end of the input (``last``), when it waits for the turn."""
        if postings < self.limit and not last:
            return False
        if self.lock is not None:
            self.held = self.lock.acquire(block=last or postings >= self.limit * OVERRUN)
            return self.held
        return True

    def give(self) -> None:
        """The segment is written: the other writer may flush."""
        if self.held:
            self.held = False
            self.lock.release()
