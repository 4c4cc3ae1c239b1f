"""khabar's command line: a thin click layer over ``indexer`` and ``search``.

Heavy modules (Whoosh, the Persian analysis, BeautifulSoup) are imported inside
the commands, so ``khabar --help`` and shell completion stay instant.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

EXIT_FOUND = 0
EXIT_NOTHING_FOUND = 1
EXIT_USAGE = 2
EXIT_NO_INDEX = 3

BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus"


class DefaultCommandGroup(click.Group):
    """A group where ``khabar "QUERY"`` means ``khabar search "QUERY"``."""

    default_command = "search"

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        elif args and args[0].startswith("-") and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def fail(message: str, status: int) -> None:
    click.echo(f"khabar: {message}", err=True)
    sys.exit(status)


def index_option(function):
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), envvar="KHABAR_INDEX",
        help="Index folder [env KHABAR_INDEX; default ~/.local/share/khabar/index].",
    )(function)


def resolve_index(index_dir: Path | None) -> tuple[Path, bool]:
    """The index folder, and whether it is the default (which may be built from the bundled corpus)."""
    from indexer.store import default_index_dir

    return (index_dir, False) if index_dir else (default_index_dir(), True)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="khabar")
def main() -> None:
    """Full-text search for Persian news, with Jalali date filters.

    \b
    khabar "تعاونی دانش بنیان" --from 1401/12/01    search (the default command)
    khabar index ~/news                              index a folder (incremental)
    """


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--from", "date_from", metavar="JALALI", help="Earliest Jalali date: 1401/12/01, ۱۴۰۱/۱۲, 1401.")
@click.option("--to", "date_to", metavar="JALALI", help="Latest Jalali date (inclusive); a month or year means all of it.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Results per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout and nothing else.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the terminal view (NO_COLOR is honoured).")
@index_option
def search(query: tuple[str, ...], date_from, date_to, limit, page, sort, as_json, color, index_dir) -> None:
    """Search the index: words, "phrases", -excluded, OR, title: / keywords: fields.

    Exit status: 0 found, 1 nothing found, 2 bad query or date, 3 no index.
    """
    from indexer.dates import InvalidDate
    from indexer.store import IndexMissing
    from search.engine import search as run_search
    from search.output import MATCH, RESET, results_json, results_table
    from search.query import QueryError
    from search.snippets import MarkFormatter

    index_dir, is_default = resolve_index(index_dir)
    if is_default:
        build_bundled_index_if_missing(index_dir)
    use_color = not as_json and wants_color(color)
    formatter = MarkFormatter(MATCH, RESET) if use_color else MarkFormatter()
    text = " ".join(query)
    try:
        results = run_search(index_dir, text, date_from=date_from, date_to=date_to, limit=limit, page=page,
                             sort=sort, formatter=formatter)
    except (QueryError, InvalidDate) as error:
        fail(str(error), EXIT_USAGE)
    except IndexMissing as error:
        fail(str(error), EXIT_NO_INDEX)
    if as_json:
        click.echo(results_json(results))
    else:
        click.echo(results_table(results, color=use_color, first_rank=(page - 1) * limit + 1), color=use_color)
    sys.exit(EXIT_FOUND if results.total else EXIT_NOTHING_FOUND)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Start a fresh index instead of updating.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Also list articles skipped as duplicates.")
@index_option
def index(paths: tuple[Path, ...], rebuild: bool, quiet: bool, verbose: bool, index_dir) -> None:
    """Index article files (HTML, print-view text, JSON Lines) under PATHS.

    Runs are incremental: new and changed files are indexed, deleted ones
    removed. With no PATHS, the folders indexed before are updated.
    """
    from indexer.update import IndexBusy, NothingToIndex

    index_dir, _ = resolve_index(index_dir)
    try:
        summary = run_update(index_dir, list(paths) or None, rebuild=rebuild, quiet=quiet, verbose=verbose)
    except NothingToIndex as error:
        fail(str(error), EXIT_USAGE)
    except IndexBusy as error:
        fail(str(error), EXIT_NO_INDEX)
    except KeyboardInterrupt:
        fail("interrupted; the index is as it was before this run", 130)
    click.echo(summary.line(), err=True)


def run_update(index_dir: Path, roots: list[Path] | None, *, rebuild: bool = False, quiet: bool = False,
               verbose: bool = False):
    from indexer.update import update_index

    def report(message: str) -> None:
        click.echo(f"skipped {message}", err=True)

    def report_duplicate(message: str) -> None:
        if verbose:
            click.echo(f"duplicate {message}", err=True)

    bar = None

    def progress(total: int):
        nonlocal bar
        if quiet or total < 50 or not sys.stderr.isatty():
            return lambda n: None
        bar = click.progressbar(length=total, label="indexing", file=sys.stderr)
        bar.__enter__()
        return bar.update

    try:
        summary = update_index(index_dir, roots, rebuild=rebuild, on_problem=report,
                               on_duplicate=report_duplicate, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if summary.rebuilt_because:
        click.echo(summary.rebuilt_because, err=True)
    return summary


def build_bundled_index_if_missing(index_dir: Path) -> None:
    """First run: index the bundled sample corpus into the default index."""
    from indexer.store import is_current

    if is_current(index_dir):
        return
    from indexer.store import IndexMeta

    meta = IndexMeta.load(index_dir)
    roots = None if meta and meta.roots else [BUNDLED_CORPUS]
    if roots and not BUNDLED_CORPUS.is_dir():
        return  # an installed copy without the sample: search reports the missing index
    click.echo(f"khabar: building the index at {index_dir} (first run)…", err=True)
    summary = run_update(index_dir, roots, quiet=True)
    click.echo(f"khabar: {summary.line()}", err=True)


def wants_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


if __name__ == "__main__":
    main()
