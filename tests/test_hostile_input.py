"""Hostile text in, nothing that drives a terminal out.

Escape sequences (an OSC retitles a terminal; a pipe to ``less -R`` or a log
viewer still acts on it, and click strips only CSI from a pipe), C1 controls
(U+009B is a CSI by itself), bidi overrides and undecodable bytes (which reach
Python as lone surrogates) are put in a query, a date, a keyword, an article's
title, body, id, url and source, and in the names of the folder indexed and of
the index. Every command, in every format, through click's runner and through
real pipes under a strict UTF-8 locale, writes none of them raw on stdout or
stderr.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar import cli

OSC = "\x1b]0;pwned\x07"
CSI = "\x1b[2J"
C1_CSI = "\x9b31m"
BIDI = "\u202e"
UNDECODABLE = "\udcff\udc9b"  # the bytes 0xff 0x9b of an argument, as Python receives them
HOSTILE_ID = f"osc-{OSC}-1"
ARTICLES = [
    {"id": HOSTILE_ID, "url": f"https://example.com/{OSC}", "source": f"منبع{OSC}{C1_CSI}",
     "title": f"عنوان {OSC}کرونا{C1_CSI}{BIDI}", "keywords": [f"کرونا{OSC}", f"ماسک{C1_CSI}"],
     "body": f"متن {OSC} کرونا \x85 و {UNDECODABLE} بورس{CSI}.\nبند دوم {OSC} {BIDI}ماسک.",
     "date": "1401/12/20 10:00"},
    {"id": "plain-2", "title": "خبر کرونا", "body": "متن کرونا و ماسک", "keywords": ["کرونا"],
     "date": "1401/12/21"},
]
# Raw ESC, C1 controls, lone surrogates: none may reach a stream.
UNSAFE = re.compile("[\x1b\x80-\x9f\ud800-\udfff]")
# (Undecodable standard input is an input error of its own: tests/test_keywords.py.)
STDIN = f"کرونا{OSC}\nماسک{C1_CSI}\n{BIDI}کرونا\n"


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    from khabar.indexer.update import update_index

    root = tmp_path_factory.mktemp("hostile")
    news = root / f"news{OSC}"
    news.mkdir()
    # ensure_ascii: a lone surrogate in the file as a JSON escape, as a real dump may hold it.
    (news / "hostile.jsonl").write_text("".join(json.dumps(article) + "\n" for article in ARTICLES),
                                        encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
        summary = update_index(root / f"ix{OSC}", [news])
    assert summary.added == 2, summary.line()
    return root / f"ix{OSC}"


# Each command: its arguments (options first), what follows "--", and the exit statuses it may end with.
COMMANDS = {
    "search": (["search"], [f"کرونا {OSC}{UNDECODABLE}{C1_CSI}"], {0}),
    "search --sort date": (["search", "--sort", "date"], ["ماسک"], {0}),
    "search, no field": (["search"], [f"{OSC}foo:x{C1_CSI}"], {2}),
    "search, bad date": (["search", "--from", f"14{OSC}01{UNDECODABLE}"], ["کرونا"], {2}),
    "keywords": (["keywords"], [f"کرونا{OSC}", f"ماسک{C1_CSI}", f"{UNDECODABLE}کرونا"], {0}),
    "keywords --stdin": (["keywords", "--stdin"], [], {0}),
    "keywords --top": (["keywords", "--top", "5", "--by", "source"], [], {0}),
    "show": (["show"], [HOSTILE_ID], {0}),
    "show, no such id": (["show"], [f"nope{OSC}{UNDECODABLE}"], {1}),
    "stats": (["stats"], [], {0}),
}
# The commands that end in an error, named on one line of stderr.
ERRORS = {"search, no field", "search, bad date", "show, no such id"}
# Run as real processes (search runs in every format in the test of undecodable bytes below):
# show and stats in every format, keyword lookups in some, and each error.
PROCESS_RUNS = [*((command, fmt) for command in ("show", "stats") for fmt in cli.FORMATS),
                ("keywords", "table"), ("keywords", "json"), ("keywords --stdin", "jsonl"),
                ("keywords --top", "tsv"), ("keywords --top", "csv"), *((error, "table") for error in sorted(ERRORS))]


def arguments(command: str, fmt: str, index_dir: Path) -> list[str]:
    options, rest, _ = COMMANDS[command]
    return [*options, "--format", fmt, "--index", str(index_dir), "--", *rest]


def assert_safe(text: str, stream: str) -> None:
    found = UNSAFE.findall(text)
    assert not found, f"raw {found[:5]!r} on {stream}: {text[:300]!r}"


def assert_stderr(stderr: str, command: str) -> None:
    """An error is one line on stderr; anything else writes nothing there."""
    if command in ERRORS:
        assert len(stderr.splitlines()) == 1 and stderr.startswith("khabar: "), stderr
    else:
        assert stderr == "", stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", cli.FORMATS)
def test_no_raw_control_reaches_either_stream(hostile_index, command, fmt):
    result = CliRunner().invoke(cli.main, arguments(command, fmt, hostile_index), input=STDIN)
    # The runner's stdout is strict UTF-8: a lone surrogate written to it is an exception here.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in COMMANDS[command][2], (result.stdout, result.stderr)
    assert_safe(result.stdout, "stdout")
    assert_safe(result.stderr, "stderr")
    assert_stderr(result.stderr, command)
    if result.exit_code == 0 and fmt in ("json", "jsonl"):
        for line in ([result.stdout] if fmt == "json" else result.stdout.splitlines()):
            json.loads(line)


def run_process(argv: list[str], stdin: str) -> subprocess.CompletedProcess:
    # Undecodable arguments go in as the bytes they stand for; stdout and stderr are pipes.
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    command = [os.fsencode(part) for part in [sys.executable, "-m", "khabar.cli", *argv]]
    return subprocess.run(command, input=stdin.encode("utf-8", "surrogateescape"), capture_output=True,
                          env=env, timeout=120)


def run_processes(runs: list[tuple[str, str]], index_dir: Path) -> list[tuple[str, str, str]]:
    """``(where, stdout, stderr)`` of each ``(command, format)`` run in its own process, after the
    checks every run passes: no traceback, an expected status, nothing raw on either pipe."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        done = list(pool.map(lambda run: run_process(arguments(*run, index_dir), STDIN), runs))
    checked = []
    for (command, fmt), process in zip(runs, done):
        where = f"{command} --format {fmt}"
        stdout = process.stdout.decode("utf-8")  # strict: a raw 0x9b or 0xff is not UTF-8
        stderr = process.stderr.decode("utf-8")
        assert "Traceback" not in stderr, f"{where}: {stderr}"
        assert process.returncode in COMMANDS[command][2], f"{where}: {process.returncode} {stderr}"
        assert_safe(stdout, f"stdout of {where}")
        assert_safe(stderr, f"stderr of {where}")
        assert_stderr(stderr, command)
        checked.append((where, stdout, stderr))
    return checked


def test_no_raw_control_reaches_a_pipe(hostile_index):
    assert len(run_processes(PROCESS_RUNS, hostile_index)) == len(PROCESS_RUNS)


def test_undecodable_query_bytes_are_written_as_replacement_characters(hostile_index):
    """Under a strict UTF-8 locale, bytes of the query that are not UTF-8 come out as U+FFFD
    (json echoes the query); it used to be a UnicodeEncodeError, or the raw byte."""
    runs = [("search", fmt) for fmt in cli.FORMATS]
    for where, stdout, _ in run_processes(runs, hostile_index):
        assert stdout.strip(), where
        if where.endswith("json"):
            assert json.loads(stdout)["query"] == f"کرونا {OSC}\ufffd\ufffd{C1_CSI}"


def test_json_escapes_c1_controls_and_replaces_lone_surrogates():
    from khabar.search.render.formats import json_document

    document = json_document({"text": f"a\x85b\x9bc\x7f{BIDI}\u2028{UNDECODABLE}{OSC}"})
    assert not UNSAFE.search(document) and BIDI not in document and "\u2028" not in document
    assert json.loads(document) == {"text": f"a\x85b\x9bc\x7f{BIDI}\u2028\ufffd\ufffd{OSC}"}
    document.encode("utf-8")  # strict


any_text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(["\x1b", "]", "[", "\x07", "\n", " ", "\r"])),
                   max_size=40)


@settings(max_examples=300, deadline=None, database=None)
@given(text=any_text, max_chars=st.one_of(st.none(), st.integers(1, 12)))
def test_cleaned_text_holds_nothing_a_stream_would_act_on(text, max_chars):
    from khabar.indexer.safe_text import clean_lines, clean_text, iter_clean_lines

    line = clean_text(text)
    assert not UNSAFE.search(line) and not re.search("[\x00-\x1f\u202a-\u202e\u2066-\u2069\u2028\u2029]", line)
    if not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]", text):
        assert line is text  # nothing to clean: not even copied
    pieces = list(iter_clean_lines(text, max_chars=max_chars))
    assert all(piece and piece == piece.strip() and "\n" not in piece and not UNSAFE.search(piece)
               for piece in pieces)
    if max_chars is None:
        assert "\n".join(pieces) == clean_lines(text)
    else:
        assert all(len(piece) <= max_chars for piece in pieces)
