"""The command line through click's runner: output streams, formats and exit statuses."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from khabar import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def indexed(runner, tmp_path, news_folder, monkeypatch):
    index_dir = tmp_path / "ix"
    monkeypatch.setenv("KHABAR_INDEX", str(index_dir))
    result = runner.invoke(cli.main, ["index", str(news_folder)])
    assert result.exit_code == 0, result.output
    return index_dir


def test_index_reports_a_summary_on_stderr_only(runner, tmp_path, news_folder):
    result = runner.invoke(cli.main, ["index", "--index", str(tmp_path / "ix"), str(news_folder)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "added 5, updated 0, removed 0, skipped 0" in result.stderr


def test_index_names_bad_files_and_goes_on(runner, tmp_path, news_folder):
    (news_folder / "zero.txt").write_bytes(b"")
    result = runner.invoke(cli.main, ["index", "--index", str(tmp_path / "ix"), str(news_folder)])
    assert result.exit_code == 0
    assert "zero.txt: empty" in result.stderr
    assert "added 5" in result.stderr and "skipped 1" in result.stderr
    assert "Traceback" not in result.output


def test_default_command_is_search(runner, indexed):
    result = runner.invoke(cli.main, ["تعاونی دانش بنیان", "--from", "1401/12/01", "--to", "1401/12/29"])
    assert result.exit_code == 0
    assert result.stdout.startswith("1. مدیر کل تعاون")
    assert "1401/12/24 · پیام آذری" in result.stdout


def test_json_output_is_one_object_on_stdout(runner, indexed):
    result = runner.invoke(cli.main, ["search", "--json", "تعاونی دانش بنیان"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "total_relation", "stories", "stories_relation", "page", "limit", "results"}
    first = data["results"][0]
    assert set(first) == {"id", "url", "title", "source", "date", "jalali_date", "keywords", "score", "snippet",
                          "duplicates"}
    assert first["jalali_date"] == "1401/12/24" and first["date"] == "2023-03-15T05:21:00Z"
    assert "\x1b" not in result.stdout


def test_nothing_found_exits_1(runner, indexed):
    result = runner.invoke(cli.main, ["رومشکان", "--from", "1402/01/01"])
    assert result.exit_code == 1
    # The footer is for people: on stderr, and stdout (the data) holds nothing.
    assert result.stderr == "0 found, showing none\n" and result.stdout == ""


@pytest.mark.parametrize("arguments", [
    ["رومشکان", "--from", "1401/13/40"],
    ["رومشکان", "--to", "1401/12/30"],
    ["و از"],
    ["search", "--limit", "-1", "x"], ["search", "--all", "--page", "2", "x"], ["search", "--excel", "--json", "x"],
    ['"ویروس کرونا'], ["(کرونا OR ماسک"], ["کرونا)"], ["foo:کرونا"],
])
def test_bad_input_exits_2_with_one_line(runner, indexed, arguments):
    result = runner.invoke(cli.main, arguments)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_missing_index_exits_3_and_says_how_to_build_it(runner, tmp_path):
    result = runner.invoke(cli.main, ["search", "--index", str(tmp_path / "nothing"), "بورس"])
    assert result.exit_code == 3
    assert "khabar index" in result.stderr


def test_first_search_builds_the_bundled_corpus(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = runner.invoke(cli.main, ["تعاونی دانش بنیان", "--from", "1401/12/01", "--to", "1401/12/29", "--json"])
    assert result.exit_code == 0, result.stderr
    assert "first run" in result.stderr
    assert all(line.startswith("khabar: ") for line in result.stderr.splitlines()), result.stderr
    assert json.loads(result.stdout)["results"][0]["jalali_date"] == "1401/12/24"
    assert (tmp_path / "data" / "khabar" / "index").is_dir()


def test_colour_only_when_asked(runner, indexed):
    plain = runner.invoke(cli.main, ["تعاونی", "--color", "never"]).stdout
    coloured = runner.invoke(cli.main, ["تعاونی", "--color", "always"]).stdout
    assert "\x1b[" not in plain and "\x1b[" in coloured
    monkey = runner.invoke(cli.main, ["تعاونی", "--color", "auto"], env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in monkey


def test_index_without_folders_or_history_exits_2(runner, tmp_path):
    result = runner.invoke(cli.main, ["index", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 2
    assert "no folder to index" in result.stderr and "Traceback" not in result.stderr


def test_index_while_another_indexer_runs_exits_3(runner, tmp_path, news_folder):
    from khabar.indexer.store import write_lock

    index_dir = tmp_path / "ix"
    with write_lock(index_dir):
        result = runner.invoke(cli.main, ["index", "--index", str(index_dir), str(news_folder)])
    assert result.exit_code == 3
    assert "another khabar process is writing" in result.stderr


def test_index_of_a_missing_folder_is_a_usage_error(runner, tmp_path):
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir), str(tmp_path / "no-such-folder")])
    assert result.exit_code == 2
    assert "no-such-folder: no such file or folder" in result.stderr
    assert not index_dir.exists()  # nothing created, no folder remembered


# --- a folder the index holds that is not there (issue 10, item 2) ---------------------------

def test_a_moved_folder_keeps_its_articles_and_exits_1(runner, tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    other = tmp_path / "other"
    other.mkdir()
    first = runner.invoke(cli.main, ["index", "--index", str(index_dir), str(news_folder), str(other)])
    assert first.exit_code == 1 and f"khabar: no supported files found in {other} (to stop looking there: " in first.stderr  # nothing yet
    news_folder.rename(tmp_path / "moved")  # as an unplugged disk looks
    (other / "new.jsonl").write_text(json.dumps({"title": "خبر تازه", "body": "متن خبر تازه", "id": "n1"},
                                                ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir)])
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (f"khabar: folder missing: {news_folder} (its 5 articles are kept; "
                        f"to drop them: khabar index --index {index_dir} --forget {news_folder})")
    assert lines[-1].startswith("khabar: added 1, updated 0, removed 0, skipped 0")  # the other folder is updated
    assert "Traceback" not in result.stderr
    found = runner.invoke(cli.main, ["search", "--index", str(index_dir), "--json", "تعاونی دانش بنیان"])
    assert json.loads(found.stdout)["total"] == 1
    # Forgotten only when asked; then the runs are clean again.
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir), "--forget", str(news_folder)])
    assert result.exit_code == 0, result.stderr
    assert "removed 5" in result.stderr
    stats = json.loads(runner.invoke(cli.main, ["stats", "--index", str(index_dir), "--json"]).stdout)
    assert (stats["articles"], stats["roots"]) == (1, [str(other)])
    assert runner.invoke(cli.main, ["index", "--index", str(index_dir)]).exit_code == 0


def test_an_empty_folder_that_held_articles_is_taken_for_a_share_not_mounted(runner, tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    runner.invoke(cli.main, ["index", "--index", str(index_dir), str(news_folder)])
    for path in news_folder.iterdir():
        path.unlink()
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"khabar: folder empty (not mounted?): {news_folder} (its 5 articles are kept")
    assert json.loads(runner.invoke(cli.main, ["stats", "--index", str(index_dir), "--json"]).stdout)["articles"] == 5


def test_a_rebuild_that_would_lose_a_missing_folder_is_refused(runner, tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    runner.invoke(cli.main, ["index", "--index", str(index_dir), str(news_folder)])
    news_folder.rename(tmp_path / "moved")
    result = runner.invoke(cli.main, ["index", "--rebuild", "--index", str(index_dir)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"khabar: cannot rebuild: folder missing: {news_folder} (its 5 articles")
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(runner.invoke(cli.main, ["stats", "--index", str(index_dir), "--json"]).stdout)["articles"] == 5


def test_forgetting_a_folder_the_index_does_not_hold_is_a_usage_error(runner, tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    runner.invoke(cli.main, ["index", "--index", str(index_dir), str(news_folder)])
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir), "--forget", str(tmp_path / "elsewhere")])
    assert result.exit_code == 2
    assert "does not hold that folder" in result.stderr and str(news_folder) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
