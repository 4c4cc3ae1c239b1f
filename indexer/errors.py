"""What can go wrong for a user, as one family of errors that carry their exit status.

Every error khabar raises for a user's mistake or a state of the index derives
from :class:`KhabarError`; its message is one line, and the command line maps
it to ``exit_status`` in one place (``cli.py``). Anything else is a bug.
"""

from __future__ import annotations

EXIT_FOUND = 0
EXIT_NOTHING_FOUND = 1
EXIT_USAGE = 2
EXIT_NO_INDEX = 3
EXIT_FAILED = 4  # the system refused: disk full, read-only, no permission
EXIT_INTERRUPTED = 130


class KhabarError(Exception):
    """A failure to report to the user in one line; ``exit_status`` says how it ends a command."""

    exit_status = EXIT_USAGE


class InputError(KhabarError, ValueError):
    """Something the user typed or gave cannot be used: a query, a date, a keyword, a path."""

    exit_status = EXIT_USAGE


class IndexUnavailable(KhabarError):
    """There is no usable index, or another process holds it."""

    exit_status = EXIT_NO_INDEX
