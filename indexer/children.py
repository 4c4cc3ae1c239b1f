"""The processes an indexing run starts: they leave Ctrl-C to it, and die with it.

Every worker — the file readers of ``update.py``, the segment writers of
``segment_writer.py`` — is forked by one multiprocessing forkserver, started
here. Two rules hold for all of them:

* **Ctrl-C is the indexer's.** A terminal sends SIGINT to the whole process
  group. The forkserver is started with SIGINT blocked, and a blocked signal
  stays blocked across fork and exec, so the forkserver and every process it
  forks never see one, not even while they are still starting up (where a
  handler set by the worker itself would come too late). The indexer gets
  the KeyboardInterrupt and stops the workers itself.
* **They die with the indexer.** A killed indexer (SIGKILL) cannot stop them,
  so every worker watches it — multiprocessing's parent sentinel, a pipe the
  kernel closes when the indexer dies — and exits at once. The forkserver and
  the resource tracker stay alive only while some process holds their pipes,
  so they go with the last worker. (``PR_SET_PDEATHSIG`` would not do: a
  worker's parent is the forkserver, which outlives the indexer while
  workers hold it.)
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import wait

from .errors import EXIT_FAILED, KhabarError

# A worker whose indexer died: nobody reads its status.
_ORPHANED = 1


def forkserver_context():
    """The multiprocessing context every indexing worker is started from."""
    from multiprocessing import forkserver, resource_tracker

    context = multiprocessing.get_context("forkserver")
    # The resource tracker first: starting it unblocks SIGINT in this thread
    # (it guards its own start the same way), which would undo the block below.
    resource_tracker.ensure_running()
    # Started once per process, with SIGINT blocked in this thread so that the
    # forkserver and all it forks inherit the block (see the module's notes).
    with ctrl_c_deferred():
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            forkserver.ensure_running()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return context


def init_worker() -> None:
    """First thing in every worker process: ignore Ctrl-C, and exit when the indexer dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def exit_with_parent() -> None:
        parent.join()  # returns when the indexer's end of the sentinel pipe is closed: it died
        os._exit(_ORPHANED)

    threading.Thread(target=exit_with_parent, name="khabar-exit-with-parent", daemon=True).start()


@contextmanager
def ctrl_c_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while a process is started: it then arrives just after, when
    the process is known and can be stopped, instead of halfway through its start
    (a worker nobody knows of, left to fail on its own with a traceback).

    A handler, not a signal mask: the kernel gives a process's SIGINT to any
    thread that does not block it (a queue's feeder thread, say), and Python
    then raises KeyboardInterrupt in the main thread all the same. Outside the
    main thread (where handlers cannot be set, and no KeyboardInterrupt is
    raised) it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:  # after the block, and only when it ended normally: its own error goes first
        if callable(previous):
            previous(signal.SIGINT, None)  # Python's default handler raises KeyboardInterrupt
        elif previous == signal.SIG_DFL:
            os.kill(os.getpid(), signal.SIGINT)


@contextmanager
def ctrl_c_ignored() -> Iterator[None]:
    """Ignore Ctrl-C for a while (main thread only, as :func:`ctrl_c_deferred`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class WorkerFailed(KhabarError):
    """A worker process died or failed: the run is not committed."""

    exit_status = EXIT_FAILED


@dataclass(slots=True)
class _Worker:
    process: object
    connection: object
    in_flight: deque = field(default_factory=deque)  # chunk numbers sent, not yet answered


class WorkerPool:
    """Worker processes that apply one function to many items; results in the items' order.

    Each worker has a pipe of its own and the pool has no thread. (With
    ProcessPoolExecutor, one worker stopped while it sent a result left its
    manager thread reading half a message from the shared pipe forever, and
    the interpreter waited for that thread at exit: Ctrl-C hung the run.)
    Stopping kills the workers at once; nothing half-read can remain.
    Use as a context manager: leaving it early, by an exception or by
    closing the iterator of :meth:`imap`, stops them.
    """

    def __init__(self, function: Callable, workers: int, *, name: str = "khabar-worker") -> None:
        context = forkserver_context()
        self._workers: list[_Worker] = []
        try:
            for number in range(workers):
                ours, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, function), daemon=True, name=f"{name}-{number}")
                with ctrl_c_deferred():
                    process.start()
                    self._workers.append(_Worker(process, ours))
                theirs.close()
        except BaseException:
            self.stop()
            raise

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:
            self.stop()

    def imap(self, items: Iterable, chunksize: int) -> Iterator:
        """``function(item)`` for every item, in order; two chunks in flight per worker.
        ``items`` is taken a chunk at a time, as workers are free for it."""
        source = iter(items)
        done: dict[int, list] = {}
        sent = 0
        exhausted = False

        def send(worker: _Worker) -> None:
            nonlocal sent, exhausted
            chunk = [] if exhausted else list(islice(source, chunksize))
            if not chunk:
                exhausted = True
                return
            worker.connection.send(chunk)
            worker.in_flight.append(sent)
            sent += 1

        try:
            for _ in range(2):
                for worker in self._workers:
                    send(worker)
            number = 0
            while number < sent:
                while number not in done:
                    busy = {worker.connection: worker for worker in self._workers if worker.in_flight}
                    for connection in wait(list(busy)):
                        worker = busy[connection]
                        done[worker.in_flight.popleft()] = self._receive(worker)
                        send(worker)
                yield from done.pop(number)
                number += 1
        except BaseException:  # GeneratorExit included: the caller stopped early
            self.stop()
            raise

    def _receive(self, worker: _Worker) -> list:
        try:
            ok, answer = worker.connection.recv()
        except EOFError:
            worker.process.join(1)
            raise WorkerFailed(f"a worker process died (exit status {worker.process.exitcode})") from None
        if not ok:
            raise WorkerFailed(f"a worker process failed: {answer}")
        return answer

    def close(self) -> None:
        """Let the workers finish and wait for them."""
        for worker in self._workers:
            try:
                worker.connection.send(None)
            except OSError:
                pass  # died already: joined below
        for worker in self._workers:
            worker.process.join()
            worker.connection.close()
        self._workers = []

    def stop(self) -> None:
        """End the workers now, whatever they are doing."""
        for worker in self._workers:
            if worker.process.pid is not None:
                worker.process.kill()
        for worker in self._workers:
            if worker.process.pid is not None:
                worker.process.join()
            worker.connection.close()
        self._workers = []


def _serve(connection, function: Callable) -> None:
    """A worker of :class:`WorkerPool`: answer chunks until told to stop (None)."""
    init_worker()
    while (chunk := connection.recv()) is not None:
        try:
            answer = (True, [function(item) for item in chunk])
        except Exception as error:  # noqa: BLE001 - reported to the indexer, which fails the run
            answer = (False, f"{type(error).__name__}: {error}")
        connection.send(answer)
