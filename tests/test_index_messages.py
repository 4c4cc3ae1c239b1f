"""What ``khabar index`` says: notes and skips, the khabar: prefix, paths, hints, the progress bar."""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import shlex
import shutil
import struct
import termios
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO
from khabar import cli
from khabar.indexer.readers import read_file

ARTICLE = FIXTURES / "snippets" / "tabnak_data_1526.txt"


def sentences() -> list[str]:
    """The sentences of a real article (IR-News), to build records of."""
    [(_, article)] = read_file(ARTICLE, ARTICLE.read_bytes()).articles
    return [s.strip() + "." for s in article.body.split(".") if len(s.strip()) > 20]


@pytest.fixture
def broken_jsonl(tmp_path) -> Path:
    """Records of real text: one good, two kept without their date, two left out."""
    text = sentences()
    records = [
        {"title": text[0], "body": text[1], "date": "1399/03/08", "id": "a1"},
        "{not json",
        {"title": text[2], "body": text[3], "date": "not a date", "id": "a2"},
        {"title": text[4], "body": text[5], "date": "9999-12-31", "id": "a3"},
        {"title": "", "body": ""},
    ]
    folder = tmp_path / "broken"
    folder.mkdir()
    path = folder / "broken.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                            for r in records), encoding="utf-8")
    return path


def index(tmp_path: Path, *arguments: str, **options):
    return CliRunner().invoke(cli.main, ["index", "--index", str(tmp_path / "ix"), *arguments], **options)


def test_a_kept_article_is_a_note_and_only_records_left_out_are_skipped(tmp_path, broken_jsonl):
    result = index(tmp_path, str(broken_jsonl.parent))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert f"khabar: skipped {broken_jsonl}: line 2: not valid JSON" in lines
    assert f"khabar: skipped {broken_jsonl}: line 5: no title or body" in lines
    notes = [line for line in lines if line.startswith(f"khabar: note {broken_jsonl}: line ")]
    assert [line.split(":")[2] for line in notes] == [" line 3", " line 4"]
    assert all(line.endswith("indexed undated") for line in notes)
    assert not any("skipped" in line and "indexed undated" in line for line in lines)
    assert lines[-1].startswith("khabar: added 3, updated 0, removed 0, skipped 2 ")


def test_every_line_of_a_run_starts_with_khabar(tmp_path, broken_jsonl, news_folder):
    shutil.copyfile(broken_jsonl, news_folder / "broken.jsonl")
    shutil.copyfile(news_folder / "seed.txt", news_folder / "seed-again.txt")  # a duplicate, listed with -v
    (news_folder / "README.md").write_text("# notes\n", encoding="utf-8")  # ignored, listed with -v
    result = index(tmp_path, "-v", str(news_folder))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert {line.split()[1] for line in lines} >= {"skipped", "note", "duplicate", "ignored", "added"}
    assert all(line.startswith("khabar: ") for line in lines), result.stderr
    missing = index(tmp_path, str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and missing.stderr.startswith("khabar: ")


def test_paths_are_shown_normalised(tmp_path, broken_jsonl, monkeypatch):
    monkeypatch.chdir(broken_jsonl.parent)
    result = index(tmp_path, "../broken")
    assert result.exit_code == 0, result.stderr
    assert ".." not in result.stderr
    assert f"khabar: skipped {broken_jsonl}: line 2" in result.stderr
    stats = CliRunner().invoke(cli.main, ["stats", "--json", "--index", str(tmp_path / "ix")])
    assert json.loads(stats.stdout)["roots"] == [str(broken_jsonl.parent)]


def test_an_empty_folder_is_said_and_exits_1(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = index(tmp_path, str(empty))
    assert result.exit_code == 1
    line = next(line for line in result.stderr.splitlines() if "no supported files" in line)
    assert line.startswith(f"khabar: no supported files found in {empty} (to stop looking there: ")
    # The folder is remembered, so a plain refresh says it again; the hint, followed, stops that.
    assert index(tmp_path).exit_code == 1
    hint = line.split("to stop looking there: ", 1)[1].rstrip(")")
    assert hint == f"khabar index --index {tmp_path / 'ix'} --forget {empty}"
    assert index(tmp_path, "--forget", str(empty)).exit_code == 0
    assert "no supported files" not in index(tmp_path).stderr  # (no folder left to index: exit 2)


def test_the_no_index_hint_keeps_the_index_given(tmp_path, news_folder):
    nope = tmp_path / "nope"
    result = CliRunner().invoke(cli.main, ["search", "--index", str(nope), "سهام"])
    assert result.exit_code == 3
    hint = re.search(r"build one with '([^']*)'", result.stderr).group(1)
    assert hint == f"khabar index --index {nope} FOLDER"
    # Followed as written, it builds the index the search was after.
    command = [news_folder if word == "FOLDER" else word for word in shlex.split(hint)[1:]]
    built = CliRunner().invoke(cli.main, [str(word) for word in command])
    assert built.exit_code == 0, built.stderr
    assert CliRunner().invoke(cli.main, ["search", "--index", str(nope), "تعاونی"]).exit_code == 0


def test_the_default_index_hint_needs_no_index_option(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "BUNDLED_CORPUS", tmp_path / "no-sample")  # an installed copy without it
    result = CliRunner().invoke(cli.main, ["search", "سهام"])
    assert result.exit_code == 3
    assert "build one with 'khabar index FOLDER'" in result.stderr


def test_no_folder_to_index_hint_keeps_the_index_given(tmp_path):
    result = index(tmp_path)
    assert result.exit_code == 2
    assert f"'khabar index --index {tmp_path / 'ix'} ~/news'" in result.stderr


# --- the progress bar -------------------------------------------------------------------------


class Terminal(io.StringIO):
    """What the bar writes to, taken for a terminal (click draws its bar on terminals only)."""

    def isatty(self) -> bool:
        return True


def drawn_lines(written: str) -> list[str]:
    """The lines a terminal shows: each redraw starts at a carriage return; escapes take no room."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", written)
    return [line for part in plain.split("\n") for line in part.split("\r")]


@pytest.mark.parametrize("columns", [12, 18, 19, 20, 24, 30, 40, 60, 100, 200])
@pytest.mark.parametrize("seconds_per_file", [0.01, 3.0, 400.0])  # ETAs of seconds, hours, weeks
def test_the_bar_fits_the_terminal_in_every_state(columns, seconds_per_file):
    terminal = Terminal()
    bar = cli.progress_bar(5000, terminal, columns)
    # No bar only where not even the barest, "[" ten cells "]  100%", fits beside the free column.
    assert (bar is None) == (columns - 1 < len("[]  100%") + 10)
    if bar is None:
        return
    with bar:
        for _ in range(20):
            bar.update(250)
            # click knows the ETA once a second has passed; here at once.
            bar.eta_known, bar.avg = True, [seconds_per_file]
            bar.render_progress()
    lines = drawn_lines(terminal.getvalue())
    assert any("100%" in line for line in lines)
    assert max(map(len, lines)) <= columns - 1, max(lines, key=len)


@pytest.mark.parametrize("columns", [40, 60, 100])
def test_the_bar_keeps_its_label_and_eta_where_they_fit(columns):
    terminal = Terminal()
    bar = cli.progress_bar(5000, terminal, columns)
    with bar:
        bar.update(100)
        bar.eta_known, bar.avg = True, [1.0]
        bar.render_progress()
    last = drawn_lines(terminal.getvalue())[-2]
    assert re.fullmatch(r"indexing  \[#*-*\]  +2%  01:21:40", last), last


@pytest.fixture
def enough_for_a_bar(tmp_path) -> Path:
    """A folder of real articles (IR-News), enough of them for the progress bar to show."""
    folder = tmp_path / "news"
    folder.mkdir()
    for path in sorted((REPO / "corpus" / "ir-news").glob("*.txt"))[:cli.PROGRESS_MIN_FILES + 10]:
        shutil.copyfile(path, folder / path.name)
    return folder


@pytest.mark.parametrize("columns", [40, 60, 100])
def test_an_index_run_draws_a_bar_that_fits_then_says_it_writes(tmp_path, monkeypatch, columns, enough_for_a_bar):
    folder = enough_for_a_bar
    terminal = Terminal()
    monkeypatch.setattr(cli, "stderr_terminal", lambda: terminal)
    monkeypatch.setenv("COLUMNS", str(columns))
    result = index(tmp_path, str(folder))
    assert result.exit_code == 0, result.stderr
    lines = drawn_lines(terminal.getvalue())
    assert any(line.startswith("indexing  [") and "100%" in line for line in lines), lines
    assert max(map(len, lines)) <= columns - 1
    assert result.stderr.splitlines()[0] == "khabar: writing the index…"
    quiet = index(tmp_path, "--rebuild", "-q", str(folder))
    assert quiet.exit_code == 0 and "writing the index" not in quiet.stderr


class SizedTerminal(Terminal):
    """A terminal of ``columns`` (a pseudo-terminal's size) that keeps what is written to it."""

    def __init__(self, columns: int) -> None:
        super().__init__()
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))

    def fileno(self) -> int:
        return self.slave

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)
        super().close()


def test_the_bar_fits_stderrs_terminal_whatever_stdout_is(tmp_path, monkeypatch, enough_for_a_bar):
    columns = 40
    # stdout is a file (``khabar index … > log``) or a terminal of another size: shutil
    # measures stdout, which says nothing of where the bar is drawn.
    for stdout_columns in (None, 200):
        terminal = SizedTerminal(columns)
        monkeypatch.setattr(cli, "stderr_terminal", lambda: terminal)
        monkeypatch.setattr(shutil, "get_terminal_size",
                            lambda fallback=(80, 24): os.terminal_size((stdout_columns or fallback[0], 24)))
        result = index(tmp_path, "--rebuild", str(enough_for_a_bar))
        lines = drawn_lines(terminal.getvalue())
        terminal.close()
        assert result.exit_code == 0 and result.stdout == "", result.stderr
        assert any(line.startswith("indexing  [") and "100%" in line for line in lines), lines
        assert max(map(len, lines)) <= columns - 1, max(lines, key=len)


def test_the_writing_phase_comes_after_the_last_file_is_read(tmp_path, news_folder):
    from khabar.indexer.update import update_index

    events: list[str] = []

    def progress(total: int):
        return lambda n: events.append("read")

    update_index(tmp_path / "ix", [news_folder], progress=progress, on_phase=events.append)
    assert events == ["read"] * 5 + ["writing"]
