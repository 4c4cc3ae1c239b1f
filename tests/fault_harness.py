"""Run one command, signal it at a chosen moment, and report what it left behind.

Run as a script, ``python fault_harness.py SPEC_JSON``; it prints one JSON
object. The harness makes itself a child subreaper (Linux ``prctl``), so every
process the command leaves behind — pool workers, the forkserver, the resource
tracker — is reparented to it instead of to init, and can be found and
counted however it was started. Whatever is still alive after the grace
period is listed, then killed, so that no test leaves processes behind.

SPEC keys: ``argv`` (list), ``cwd``, ``env`` (added to the environment),
``signal`` ("KILL" to the command's process, "INT" to its process group, as a
terminal's Ctrl-C), ``when_exists`` (a path: wait until it exists), ``after``
(then wait this many seconds more),
``timeout`` (seconds to wait for the command to end after the signal: longer
is a hang, and the command gets SIGABRT, which with ``PYTHONFAULTHANDLER``
set prints every thread's stack), ``grace`` (seconds its processes get to go away).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parents() -> dict[int, tuple[int, str]]:
    """Every live process: pid → (parent pid, state)."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2:].split()
        found[int(entry.name)] = (int(fields[1]), fields[0])
    return found


def _descendants(root: int) -> dict[int, str]:
    """Live (not zombie) descendants of ``root``: pid → command line."""
    table = _parents()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _state) in table.items():
        children.setdefault(ppid, []).append(pid)
    result = {}
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        if table[pid][1] == "Z":
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        result[pid] = cmdline.strip()
    return result


def _reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run(spec: dict) -> dict:
    subreaper = _become_subreaper()
    env = {**os.environ, **spec.get("env", {})}
    with tempfile.TemporaryFile() as errors:
        started = time.monotonic()
        process = subprocess.Popen(spec["argv"], cwd=spec.get("cwd"), env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=errors, process_group=0)
        when = Path(spec["when_exists"]) if spec.get("when_exists") else None
        deadline = started + float(spec.get("wait_limit", 600))
        while when is not None and not when.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        moment = time.monotonic() + float(spec.get("after", 0))
        while process.poll() is None and time.monotonic() < moment:
            time.sleep(0.002)
        finished_early = process.poll() is not None
        signalled_at = time.monotonic() - started
        if not finished_early:
            if spec["signal"] == "KILL":
                os.kill(process.pid, signal.SIGKILL)
            else:
                os.killpg(process.pid, signal.SIGINT)
        hung = False
        try:
            status = process.wait(timeout=float(spec.get("timeout", 60)))
        except subprocess.TimeoutExpired:
            hung = True
            # With PYTHONFAULTHANDLER set, SIGABRT makes it print where every thread waits.
            os.kill(process.pid, signal.SIGABRT)
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            os.killpg(process.pid, signal.SIGKILL)
            status = process.wait()
        # The processes it started get a grace period to notice and go away.
        grace_end = time.monotonic() + float(spec.get("grace", 3))
        left = _descendants(os.getpid())
        while left and time.monotonic() < grace_end:
            time.sleep(0.05)
            _reap()
            left = _descendants(os.getpid())
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
        _reap()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", errors="replace")
    return {
        "status": status, "stderr": stderr, "finished_early": finished_early, "hung": hung,
        "signalled_at": round(signalled_at, 3), "orphans": sorted(left.values()), "subreaper": subreaper,
    }


if __name__ == "__main__":
    json.dump(run(json.loads(sys.argv[1])), sys.stdout, ensure_ascii=False)
