"""Every command has help text and is documented in the README, options included."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from khabar import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.main.commands)


def options(command: click.Command) -> list[click.Option]:
    return [param for param in command.params if isinstance(param, click.Option) and not param.hidden]


def test_the_commands_are_all_there():
    assert {"search", "index", "keywords", "show", "stats"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_text(name):
    command = cli.main.commands[name]
    assert command.help and command.get_short_help_str().strip()
    result = CliRunner().invoke(cli.main, [name, "--help"])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) > 3
    undocumented = [option.opts[0] for option in options(command) if not option.help]
    assert not undocumented, f"options without help: {undocumented}"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_in_the_readme(name):
    assert re.search(rf"^### `khabar {name}\b", README, re.MULTILINE), f"no README section for 'khabar {name}'"
    flags = [max(option.opts, key=len) for option in options(cli.main.commands[name])]
    missing = [flag for flag in flags if f"`{flag}" not in README]
    assert not missing, f"'khabar {name}' options missing from the README: {missing}"


def test_the_readme_documents_formats_exit_statuses_and_completion():
    for fmt in cli.FORMATS:
        assert f"`{fmt}`" in README or f"|{fmt}" in README
    for status in (cli.EXIT_FOUND, cli.EXIT_NOTHING_FOUND, cli.EXIT_USAGE, cli.EXIT_NO_INDEX):
        assert f"**{status}**" in README
    assert "_KHABAR_COMPLETE=bash_source khabar" in README
