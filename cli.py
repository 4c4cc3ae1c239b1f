"""khabar's command line: a thin click layer over ``indexer`` and ``search``.

Heavy modules (Whoosh, the Persian analysis, BeautifulSoup) are imported inside
the commands, so ``khabar --help`` and shell completion stay instant.
"""

from __future__ import annotations

import functools
import gc
import itertools
import os
import shlex
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TextIO

    from khabar.search.render.terminal import Style

from khabar.indexer.errors import (EXIT_FAILED, EXIT_FOUND, EXIT_INTERRUPTED, EXIT_NO_INDEX, EXIT_NOTHING_FOUND,
                                   EXIT_USAGE, KhabarError)

BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus"
# The same as search.output.FORMATS (a test checks): that module imports Whoosh.
FORMATS = ("table", "json", "jsonl", "tsv", "csv")


class DefaultCommandGroup(click.Group):
    """A group where ``khabar "QUERY"`` means ``khabar search "QUERY"``."""

    default_command = "search"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = self.commands_first(args)
        if (args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")
                and not self.misspelt(args[0])):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def commands_first(self, args: list[str]) -> list[str]:
        """``help [COMMAND]``, ``version``, and ``--index X COMMAND`` as click reads them."""
        if args and args[0] == "help":
            return [args[1], "--help"] if len(args) > 1 and args[1] in self.commands else ["--help"]
        if args == ["version"]:
            return ["--version"]
        # The global-looking option before a command is the command's own.
        if len(args) > 2 and args[0] == "--index" and args[2] in self.commands:
            return [args[2], *args[:2], *args[3:]]
        if len(args) > 1 and args[0].startswith("--index=") and args[1] in self.commands:
            return [args[1], args[0], *args[2:]]
        return args

    def misspelt(self, word: str) -> str | None:
        """The command ``word`` is one edit (or two letters swapped) from, when it is a Latin word."""
        if not word.isascii() or not word.isalpha():
            return None
        return next((name for name in self.commands if one_edit_apart(word.lower(), name)), None)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = self.misspelt(args[0]) if args and args[0] not in self.commands else None
        if name:
            from khabar.indexer.errors import InputError

            raise InputError(f"no command '{args[0]}'; did you mean '{name}'? "
                             f"(to search for the word: khabar search {args[0]})")
        return super().resolve_command(ctx, args)

    # True when this process is the khabar command (not a program calling main with arguments).
    is_the_command = False

    def main(self, args=None, *rest, **options):
        if args is not None:  # a program calling khabar (tests through CliRunner), not the khabar command
            return super().main(args, *rest, **options)
        self.is_the_command = True
        try:
            return super().main(args, *rest, **options)
        finally:
            # The command has ended and said how; a Ctrl-C while the interpreter
            # shuts down can change nothing, and must not add a traceback.
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    def invoke(self, ctx: click.Context):
        """Every command's errors end here: one line on stderr, and the error's exit status."""
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            # One line, as every other error: click's own report is four.
            command = error.ctx.command_path if error.ctx else "khabar"
            fail(f"{error.format_message()} (see '{command} --help')", EXIT_USAGE)
        except (KhabarError, KeyboardInterrupt, OSError) as error:
            if self.is_the_command:
                # Said in one line; what cannot be flushed as the process ends
                # (buffers of the files a full disk refused) adds nothing.
                sys.unraisablehook = lambda unraisable: None
            # click names the command before it runs it; only ``index`` writes.
            fail(*message_and_status(error, writing=ctx.invoked_subcommand == "index"))


def one_edit_apart(word: str, name: str) -> bool:
    """Whether ``word`` is ``name`` with one letter added, dropped, changed, or two neighbours swapped."""
    if word == name or abs(len(word) - len(name)) > 1:
        return False
    if len(word) == len(name):
        differ = [i for i, (a, b) in enumerate(zip(word, name)) if a != b]
        return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                    and word[differ[0]] == name[differ[1]] and word[differ[1]] == name[differ[0]])
    shorter, longer = sorted((word, name), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def message_and_status(error: BaseException, *, writing: bool) -> tuple[str, int]:
    intact = "; the index is as it was before this run" if writing else ""
    if isinstance(error, KhabarError):
        return str(error), error.exit_status
    if isinstance(error, KeyboardInterrupt):
        return f"interrupted{intact}", EXIT_INTERRUPTED
    assert isinstance(error, OSError)  # disk full, read-only, no permission: the system's words, and where
    where = f": {error.filename}" if error.filename else ""
    return f"{error.strerror or error}{where}{intact}", EXIT_FAILED


class QueryCommand(click.Command):
    """A command whose words may start with '-': ``khabar سهام -بورس`` excludes «بورس».

    An argument that is not one of the command's options is a word of the
    query when it is '-' and a letter that is not ASCII (no option is), or
    when a query word came before it. The words are handed to click after
    ``--``, in the order given; ``--`` given by the user still ends the options.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self.words_after_options(ctx, args))

    def words_after_options(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not (param.is_flag or param.count)
        options: list[str] = []
        words: list[str] = []
        arguments = iter(args)
        for argument in arguments:
            if argument == "--":
                words.extend(arguments)
                break
            name = argument.split("=", 1)[0]
            if name in takes_value:
                options.append(argument)
                if takes_value[name] and "=" not in argument:
                    value = next(arguments, None)
                    if value is not None:
                        options.append(value)
            elif argument.startswith("-") and len(argument) > 1 and not words and argument[1].isascii():
                options.append(argument)  # an unknown option before any word: click says so
            else:
                words.append(argument)
        return [*options, "--", *words] if words else options


def fail(message: str, status: int) -> NoReturn:
    say(message)
    sys.exit(status)


def one_query_process() -> None:
    """This process answers one query and ends: Python's cyclic garbage collector is
    turned off. Its passes over a search's young lists and arrays (~50 ms a search at
    1M articles) free nothing the process's end would not. Only for the khabar command
    itself: a program calling ``main`` (tests) keeps its collector."""
    if main.is_the_command:
        gc.disable()


def exit_now(status: int) -> NoReturn:
    """End with ``status`` once the output is written. The khabar command leaves without
    the interpreter's teardown (freeing every module, cached segment and array one by
    one: ~0.09 s after a search at 1M articles); a search process registers no exit
    handlers and holds no file open for writing. A program calling ``main`` (tests) gets
    ``SystemExit`` as from ``sys.exit``."""
    if main.is_the_command:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # output that cannot be written: Python's own exit reports it
            sys.exit(status)
        os._exit(status)
    sys.exit(status)


def say(message: str) -> None:
    """One message line on stderr. Every line khabar says (errors, notes, summaries)
    starts with ``khabar:``, as tar's and grep's do, so that it is told apart from the
    output of the programs beside it in a pipeline or a cron mail."""
    from khabar.indexer.safe_text import clean_text

    click.echo(f"khabar: {clean_text(message)}", err=True)


def index_option(function):
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), envvar="KHABAR_INDEX",
        callback=absolute_path,
        help="Index folder [env KHABAR_INDEX; default ~/.local/share/khabar/index].",
    )(function)


def absolute_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``--index .`` or ``..`` is the folder they name: a path with a name of its own."""
    return Path(os.path.abspath(value.expanduser())) if value else value


def resolve_index(index_dir: Path | None) -> tuple[Path, bool]:
    """The index folder, and whether it is the default (which may be built from the bundled corpus)."""
    from khabar.indexer.store import default_index_dir

    return (index_dir, False) if index_dir else (default_index_dir(), True)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="khabar")
def main() -> None:
    """Full-text search for Persian news, with Jalali (or Gregorian) date filters.

    \b
    khabar سهام عدالت -بورس --from 1399/03   search (the default command)
    khabar index ~/news                      index a folder (incremental)
    khabar keywords کرونا --from 1399/01     articles tagged with a keyword
    khabar keywords --top 20 --by month      the most frequent keywords
    khabar search کرونا --by month            matches per Jalali month
    khabar show URL-OR-ID                    one article in full
    khabar similar URL-OR-ID                 articles like that one
    khabar stats                             what the index holds
    khabar serve                             a local web page

    'khabar COMMAND --help' tells more: 'khabar search --help' the query
    syntax. Output: --format table|json|jsonl|tsv|csv (--excel for Excel) on
    every command that prints records. Dates: Jalali or Gregorian
    (1401/12/01, ۱۴۰۱/۱۲, 2023-03-01, «esfand 1401»).

    Exit status: 0 found, 1 nothing found, 2 usage or input error, 3 no
    usable index, 4 the system refused (disk full, no permission), 130
    interrupted.
    """


def date_options(function: Callable[..., None]) -> Callable[..., None]:
    function = click.option("--to", "date_to", metavar="DATE",
                            help="Latest date (inclusive); a month or year means all of it.")(function)
    return click.option("--from", "date_from", metavar="DATE",
                        help="Earliest date, Jalali or Gregorian: 1401/12/01, ۱۴۰۱/۱۲, 1401, "
                             "«esfand 1401», 2023-03-01, 2023.")(function)


@dataclass(frozen=True, slots=True)
class Output:
    format: str
    style: Style
    excel: bool = False  # csv/tsv with a byte-order mark and CRLF (render.formats.for_excel)


def output_options(function: Callable[..., None]) -> Callable[..., None]:
    """The output options of every command that prints records; the command gets ``out: Output``."""

    @functools.wraps(function)
    def command(*args, output_format: str | None, as_json: bool, excel: bool, color: str, bidi: bool, **kwargs):
        if as_json and output_format not in (None, "json"):
            raise click.UsageError(f"--json means --format json, not --format {output_format}")
        if excel and (as_json or output_format not in (None, "csv", "tsv")):
            raise click.UsageError(f"--excel writes csv or tsv, not {'json' if as_json else output_format}")
        fmt = "json" if as_json else output_format or ("csv" if excel else "table")
        return function(*args, out=make_output(fmt, color, bidi, excel), **kwargs)

    options = (
        click.option("--format", "output_format", type=click.Choice(FORMATS),
                     help="table (default) for people; json, jsonl, tsv or csv for programs."),
        click.option("--json", "as_json", is_flag=True, help="Short for --format json."),
        click.option("--excel", is_flag=True,
                     help="csv (or tsv) that Excel opens with Persian intact: a UTF-8 byte-order mark, CRLF."),
        click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
                     help="Colour the table view (NO_COLOR is honoured)."),
        click.option("--bidi", is_flag=True,
                     help="Reorder right-to-left text for terminals that do not (table view on a terminal only)."),
    )
    for option in reversed(options):
        command = option(command)
    return command


def make_output(fmt: str, color: str, bidi: bool, excel: bool = False) -> Output:
    from khabar.search.render.terminal import Style

    table = fmt == "table"
    # Reordering is for a person's terminal only: never for a pipe or a machine format.
    return Output(fmt, Style(color=table and wants_color(color), bidi=bidi and table and stdout_is_terminal(),
                             width=table_width() if table else None), excel)


def table_width() -> int | None:
    """The columns the table view is wrapped to: a terminal's width (``COLUMNS`` first, as
    ``shutil.get_terminal_size`` reads it). A pipe or a file has no width: it is wrapped only
    to a ``COLUMNS`` set in the environment (someone asked for that width), else not at all,
    so that a pager, ``grep`` or a file gets whole lines rather than a guessed 80 columns."""
    if stdout_is_terminal():
        import shutil  # 4 ms of imports (bz2, lzma) that --help and completion do without

        return shutil.get_terminal_size().columns
    return columns_asked()


def columns_asked() -> int | None:
    """The width set in ``COLUMNS``; None when it is unset or not a positive number."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:  # unset, or not a number: no width asked for
        return None
    return columns if columns > 0 else None


def emit(chunks: Iterable[str], out: Output) -> None:
    """Write output as it comes (``--stdin`` answers, ``--all`` results stream): data on stdout, and the notes
    for people beside it (a search's footer, ``formats.Aside``) on stderr."""
    from khabar.search.render.formats import Aside  # loaded by whatever made the chunks

    try:
        if out.excel:
            from khabar.search.render.formats import EXCEL_LINE_END, for_excel

            for line in for_excel(chunks):
                click.echo(line + EXCEL_LINE_END, nl=False)
            return
        for chunk in chunks:
            if isinstance(chunk, Aside):
                click.echo(chunk, err=True)
            else:
                click.echo(chunk, color=out.style.color)
    except BrokenPipeError:
        # The reader has all it wants (``| head``): the output ends there, quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FOUND)


def emit_paged(chunks: Iterable[str], out: Output) -> None:
    """The table view on a terminal through click's pager ($PAGER, else less) when it is taller
    than the screen; anything else as :func:`emit` writes it. Chunks are passed on as they
    come: only a screenful is held to tell, never a whole article."""
    if out.format != "table" or not stdout_is_terminal():
        return emit(chunks, out)
    import shutil

    rows = shutil.get_terminal_size().lines
    chunks = iter(chunks)
    held: list[str] = []
    lines = 0
    for chunk in chunks:
        held.append(chunk)
        lines += chunk.count("\n") + 1
        if lines >= rows:  # the prompt after it needs a line too
            break
    else:
        return emit(held, out)
    rest = itertools.chain(held[1:], chunks)
    # echo_via_pager ends the text with a newline itself.
    click.echo_via_pager(itertools.chain(held[:1], ("\n" + chunk for chunk in rest)), color=out.style.color)


def readable_index(index_dir: Path | None) -> Path:
    """The index to read; the default one is built from the bundled corpus on first use."""
    index_dir, is_default = resolve_index(index_dir)
    if is_default:
        build_bundled_index_if_missing(index_dir)
    return index_dir


@main.command(cls=QueryCommand)
@click.argument("query", nargs=-1)
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Read queries one per line from standard input; one record per query, in order, "
                   "each written as soon as it is known.")
@date_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="Results per page; 0 means every match, written as found (= --all).")
@click.option("--all", "every_match", is_flag=True, help="Every match on one page, written as found (--limit 0).")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help="Best matches first, or newest first.")
@click.option("--expand/--no-expand", default=True, show_default=True,
              help="Reorder the matches with the words their best hits share (blind relevance feedback).")
@click.option("--by", type=click.Choice(["month", "year", "source"]),
              help="Count the matches per Jalali month, year or source instead of listing them (a bar chart).")
@click.option("--collapse/--no-collapse", default=True, show_default=True,
              help="Show each story once, its copies (republished, a second URL) in its duplicates.")
@output_options
@index_option
def search(query: tuple[str, ...], from_stdin: bool, date_from: str | None, date_to: str | None, limit: int,
           every_match: bool, page: int, sort: str, expand: bool, by: str | None, collapse: bool, out: Output,
           index_dir: Path | None) -> None:
    """Search the index, best matches first (the default command: khabar QUERY).

    \b
    Query syntax:
      سهام عدالت            any of the words; more of them, close, rank higher
      "سهام عدالت"          the exact phrase (stopwords included)
      "سهام عدالت"~3        the words at most two words apart
      سهام -بورس            without بورس (also: NOT بورس; (-بورس) as well)
      سهام AND بورس         both; OR either (the default); ( ) to group
      title:کرونا           in the title; keywords:ماسک in the keywords;
                            body:… the whole article (Title: works too)
      کووید-۱۹              a hyphen inside a word joins: the phrase
      https://…/news/N/…    a pasted URL is searched as its words
    Quote an operator to search the word: "OR". On the command line the
    query needs no quotes, and options may come before or after its words:
    khabar سهام -بورس --from 1399. A Latin -word first would be read as an
    option: put -- before the words (everything after -- is the query):
    khabar --from 1399 -- -covid کرونا.

    \b
    Examples:
      khabar سهام عدالت -بورس --from 1399/03 --to 1399
      khabar search 'title:کرونا OR keywords:ماسک' --sort date --json
      khabar search '"ستاد ملی مقابله با کرونا"' --from 2020-03-01
      khabar search کرونا --all --format csv --excel > corona.csv
      khabar search --stdin --format jsonl < queries.txt
      khabar search کرونا --by month --from 1398/11    (matches per Jalali month)

    --from/--to take Jalali or Gregorian dates (1399/03/01, ۱۳۹۹/۰۳,
    2020-05-21, «۲۷ اسفند ۱۴۰۱», «esfand 1398»); a month or year means all
    of it. --json prints {"query", "total", "page", "limit", "results"}
    ("limit": null with --all); --stdin prints that record (or {"query",
    "error"}) per input line.

    Exit status: 0 found, 1 nothing found, 2 bad query or date, 3 no index.
    With --stdin: 0 if any query found something, 1 if none did; a bad query is
    reported on its own line and the others go on.
    """
    if bool(query) == from_stdin:
        raise click.UsageError("give QUERY... or --stdin (one of them)")
    if by:
        search_by(" ".join(query) if query else None, by, date_from=date_from, date_to=date_to, out=out,
                  index_dir=index_dir)
    limit = 0 if every_match else limit
    if limit == 0 and page > 1:
        raise click.UsageError("--all (--limit 0) is every match on one page: give no --page")
    from khabar.search.engine import search as run_search
    from khabar.search.render.formats import MATCH, RESET, Counted, results_chunks
    from khabar.search.snippets import SnippetMarks

    index_dir = readable_index(index_dir)
    # Marks inside a line would not survive bidi reordering: only whole lines are styled then.
    highlight = out.style.color and not out.style.bidi
    marks = SnippetMarks(MATCH, RESET) if highlight else SnippetMarks()
    if from_stdin:
        from khabar.search.batch import answer_chunks, search_lines

        answers = Counted(search_lines(index_dir, sys.stdin, date_from=date_from, date_to=date_to, limit=limit,
                                       page=page, sort=sort, marks=marks, expand=expand, collapse=collapse),
                          found=lambda answer: answer.found)
        emit(answer_chunks(answers, out.format, out.style, first_rank=(page - 1) * limit + 1), out)
        sys.exit(EXIT_FOUND if answers.any else EXIT_NOTHING_FOUND)
    one_query_process()
    results = run_search(index_dir, " ".join(query), date_from=date_from, date_to=date_to, limit=limit,
                         page=page, sort=sort, marks=marks, expand=expand, collapse=collapse,
                         copy_records=out.format != "table")  # the table names the copies' sources only
    emit(results_chunks(results, out.format, out.style, first_rank=(page - 1) * limit + 1), out)
    exit_now(EXIT_FOUND if results.total else EXIT_NOTHING_FOUND)


def search_by(query: str | None, by: str, *, date_from: str | None, date_to: str | None, out: Output,
              index_dir: Path | None) -> NoReturn:
    """``search --by``: the matches counted per month, year or source (of each line with ``query`` None)."""
    given = click.get_current_context().get_parameter_source
    listing = [option for name, option in (("limit", "limit"), ("every_match", "all"), ("page", "page"),
                                           ("sort", "sort"), ("collapse", "collapse/--no-collapse"))
               if given(name) != click.core.ParameterSource.DEFAULT]
    if listing:
        raise click.UsageError(f"--by counts every match: --{', --'.join(listing)} cannot apply")
    from khabar.search.render.coverage import coverage_answer_chunks, coverage_chunks
    from khabar.search.render.formats import Counted

    index_dir = readable_index(index_dir)

    if query is None:
        from khabar.search.batch import coverage_lines

        answers = Counted(coverage_lines(index_dir, sys.stdin, by=by, date_from=date_from, date_to=date_to),
                          found=lambda answer: answer.found)
        emit(coverage_answer_chunks(answers, out.format, out.style), out)
        sys.exit(EXIT_FOUND if answers.any else EXIT_NOTHING_FOUND)
    from khabar.search.coverage import coverage

    counted = coverage(index_dir, query, by=by, date_from=date_from, date_to=date_to)
    emit(coverage_chunks(counted, out.format, out.style), out)
    sys.exit(EXIT_FOUND if counted.total else EXIT_NOTHING_FOUND)


@main.command()
@click.argument("keywords", nargs=-1)
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Read keywords one per line from standard input; one record per keyword, in order.")
@click.option("--top", type=click.IntRange(1), metavar="N", help="The N most frequent keywords, with article counts.")
@click.option("--by", type=click.Choice(["month", "source"]), help="With --top: counts per Jalali month or source.")
@date_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 10000),
              help="Articles listed per keyword, newest first.")
@output_options
@index_option
def keywords(keywords: tuple[str, ...], from_stdin: bool, top: int | None, by: str | None, date_from: str | None,
             date_to: str | None, limit: int, out: Output, index_dir: Path | None) -> None:
    """Articles tagged with each KEYWORD, newest first; or the top keywords.

    Keywords match however they are written: ي/ی, ك/ک, ZWNJ or space, any digits.

    \b
    khabar keywords کرونا "ویروس کرونا" --from 1399/01
    khabar keywords --stdin --format jsonl < keywords.txt
    khabar keywords --top 20 --by month --from 1398

    Exit status: 0 found, 1 nothing found, 2 usage or bad date, 3 no index.
    """
    if bool(keywords) + from_stdin + (top is not None) != 1:
        raise click.UsageError("give KEYWORD..., --stdin or --top N (one of them)")
    if by and top is None:
        raise click.UsageError("--by goes with --top")
    from khabar.search.query.dates import jalali_range
    from khabar.search.keywords import KeywordIndex, lookup_key, read_keywords
    from khabar.search.render.formats import Counted
    from khabar.search.render.views import lookup_chunks, top_chunks

    date_filter = jalali_range(date_from, date_to)
    for keyword in keywords:
        lookup_key(keyword)  # a bad keyword is a usage error before any output
    with KeywordIndex(readable_index(index_dir)) as index:
        if top is not None:
            counts = index.top(top, date_filter=date_filter, by=by)
            emit(top_chunks(counts, by, out.format, out.style), out)
            found = bool(counts)
        else:
            wanted = read_keywords(sys.stdin) if from_stdin else keywords
            answers = Counted((index.lookup(keyword, date_filter=date_filter, limit=limit) for keyword in wanted),
                              found=lambda answer: answer.total > 0)
            emit(lookup_chunks(answers, out.format, out.style, per_keyword=from_stdin), out)
            found = answers.any
    sys.exit(EXIT_FOUND if found else EXIT_NOTHING_FOUND)


@main.command()
@click.argument("article_id", metavar="ID")
@output_options
@index_option
def show(article_id: str, out: Output, index_dir: Path | None) -> None:
    """Print one article in full: title, Jalali and Gregorian date, source, URL, keywords, body.

    ID is the article's "id" in search results: its URL, or the file it was
    read from. A URL may be given as a browser copies it (percent-encoded,
    http or https, with or without www, the slug or a trailing slash); a
    path may be relative to the current folder, and a file that holds one
    article needs no #record.

    \b
    khabar show https://www.asriran.com/fa/news/729967
    khabar show news/feed.json#3

    Exit status: 0 shown, 1 no such article, 2 a URL or file that matches
    several articles (they are named), 3 no index.
    """
    from khabar.search.articles import NoSuchArticle, find_article
    from khabar.search.render.views import article_chunks

    article = find_article(readable_index(index_dir), article_id)
    if article is None:
        raise NoSuchArticle(article_id)
    emit_paged(article_chunks(article, out.format, out.style), out)
    sys.exit(EXIT_FOUND)


@main.command()
@click.argument("article_id", metavar="ID")
@date_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Results per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results.")
@click.option("--expand/--no-expand", default=True, show_default=True,
              help="Reorder the results with the words their best hits share (blind relevance feedback).")
@output_options
@index_option
def similar(article_id: str, date_from: str | None, date_to: str | None, limit: int, page: int, expand: bool,
            out: Output, index_dir: Path | None) -> None:
    """Articles like article ID, its own copies first: its distinctive words as the query, itself left out.

    ID is the article's "id" in search results, as for show. The results (and
    their "query": the words searched) are those of search, in every format.

    Exit status: 0 found, 1 nothing found or no such article, 2 bad date, 3 no index.
    """
    from khabar.search.render.formats import MATCH, RESET, results_chunks
    from khabar.search.similar import similar as find_similar
    from khabar.search.snippets import SnippetMarks

    # As for search: marks inside a line would not survive bidi reordering.
    marks = SnippetMarks(MATCH, RESET) if out.style.color and not out.style.bidi else SnippetMarks()
    results = find_similar(readable_index(index_dir), article_id, date_from=date_from, date_to=date_to,
                           limit=limit, page=page, marks=marks, expand=expand)
    emit(results_chunks(results, out.format, out.style, first_rank=(page - 1) * limit + 1), out)
    sys.exit(EXIT_FOUND if results.total else EXIT_NOTHING_FOUND)


@main.command()
@output_options
@index_option
def stats(out: Output, index_dir: Path | None) -> None:
    """Describe the index: articles, Jalali date range, sources, size, schema version, last update.

    Exit status: 0 the index has articles, 1 it is empty, 3 no index.
    """
    from khabar.search.articles import index_stats
    from khabar.search.render.views import stats_chunks

    description = index_stats(readable_index(index_dir))
    emit(stats_chunks(description, out.format, out.style), out)
    sys.exit(EXIT_FOUND if description.articles else EXIT_NOTHING_FOUND)


@main.command()
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any but loopback lets other machines in (with a warning).")
@click.option("--open", "open_browser", is_flag=True, help="Open the search page in the default web browser.")
@index_option
def serve(port: int, host: str, open_browser: bool, index_dir: Path | None) -> None:
    """Serve a local, read-only web application over the index (Ctrl-C stops).

    Search, article, keywords and stats pages, each with a JSON twin that
    answers what --json prints (/api/search is ``khabar search --json``).
    Listens on 127.0.0.1 (this machine only) unless --host says otherwise.

    Exit status: 0 stopped, 3 no index, 4 the address cannot be used.
    """
    from khabar.search.web.app import serve as run_server

    run_server(readable_index(index_dir), host=host, port=port, open_browser=open_browser,
               echo=lambda line: click.echo(line, err=True))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Start a fresh index instead of updating.")
@click.option("--forget", "forget", multiple=True, metavar="PATH", type=click.Path(path_type=Path),
              help="Drop a folder the index holds, and its articles (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also list articles skipped as duplicates, and files ignored as no article files.")
@click.option("--field", "field_names", multiple=True, metavar="FIELD=NAME",
              help="Read the record field NAME as the article's FIELD (title, body, lead, keywords, date, url, "
                   "source, id), e.g. --field body=matn; NAME may be a list: keywords=tags,label (repeatable).")
@index_option
def index(paths: tuple[Path, ...], rebuild: bool, forget: tuple[Path, ...], quiet: bool, verbose: bool,
          field_names: tuple[str, ...], index_dir) -> None:
    """Index the article files under PATHS (folders or files); incremental.

    \b
    Files read (by their name's ending):
      .html .htm .xhtml     news pages, print views
      .txt                  print view, IR-News, MirasText, Persica text
      .json .jsonl .ndjson  articles as records (a JSON array, one a line)
      .csv .tsv             a table with a header row (title, text, date…)
      .xml .rss .atom       RSS/Atom feeds, Hamshahri2 and TNews XML
      .ham                  Hamshahri2 text documents
      .warc .warc.gz .arc   web archives: each HTML page in them
      .gz .bz2 .xz .zip .tar .tgz .tar.gz/.bz2/.xz: the files inside
    Skipped: hidden files and folders, anything that is not a regular
    file, files that are not articles (README.md, LICENSE, a PDF: counted
    as ignored, -v names them), and an article whose URL or id is already
    indexed from another file (a duplicate).

    Runs are incremental: new and changed files are indexed, deleted ones
    removed. With no PATHS, the folders indexed before are updated. A folder
    the index holds that is missing keeps its articles (exit status 1) until
    it is back or dropped with --forget.

    \b
    Exit status:
      0    done
      1    a folder is missing or holds nothing khabar can read (the rest
           is done)
      2    usage error, or --index is a folder that is not a khabar index
      3    another indexer is writing this index
      4    the system refused: disk full, read-only, no permission
      130  interrupted (Ctrl-C); the index is as it was before the run
    """
    from khabar.indexer.readers.fields import parse_field_options
    from khabar.indexer.store import index_command
    from khabar.indexer.update import FolderMissing

    fields = parse_field_options(field_names)  # FieldError: one line, exit 2
    index_dir, _ = resolve_index(index_dir)
    summary = run_update(index_dir, list(paths) or None, rebuild=rebuild, forget=list(forget), quiet=quiet,
                         verbose=verbose, fields=fields)
    for kept in summary.kept:
        say(kept.line())
    for folder in summary.unread:
        say(f"nothing in {folder} could be read as articles" + (f": {summary.ignored_part()}" if summary.ignored else ""))
    for folder in summary.empty:
        # A folder named once is looked in on every run after: say how to stop that.
        say(f"no supported files found in {folder} (to stop looking there: "
            f"{index_command(index_dir, '--forget ' + shlex.quote(folder))})")
    say(summary.line())
    if summary.kept or summary.unread or summary.empty:
        sys.exit(FolderMissing.exit_status)


def run_update(index_dir: Path, roots: list[Path] | None, *, rebuild: bool = False, forget: list[Path] = (),
               quiet: bool = False, verbose: bool = False, fields: dict[str, list[str]] | None = None):
    from khabar.indexer.update import update_index

    def report_duplicate(message: str) -> None:
        if verbose:
            say(f"duplicate {message}")

    def report_ignored(message: str) -> None:
        if verbose:
            say(f"ignored {message}")

    bar = None

    def progress(total: int):
        nonlocal bar
        terminal = stderr_terminal()
        if terminal is not None and not quiet and total >= PROGRESS_MIN_FILES:
            bar = progress_bar(total, terminal, terminal_columns(terminal))
        if bar is None:
            return lambda n: None
        bar.__enter__()
        return bar.update

    def end_bar() -> None:
        nonlocal bar
        if bar is not None:
            bar.__exit__(None, None, None)
            bar = None

    def phase(name: str) -> None:
        # The bar is full while the index is written (15 s on 5k articles): say why.
        if name == "writing" and bar is not None:
            end_bar()
            say("writing the index…")

    try:
        summary = update_index(index_dir, roots, rebuild=rebuild, forget=forget,
                               on_problem=lambda message: say(f"skipped {message}"),
                               on_note=lambda message: say(f"note {message}"),
                               on_duplicate=report_duplicate, on_ignored=report_ignored, on_phase=phase,
                               progress=progress, fields=fields)
    finally:
        end_bar()
    if summary.rebuilt_because:
        say(summary.rebuilt_because)
    return summary


# A run of fewer files is over before a bar would tell anything.
PROGRESS_MIN_FILES = 50
PROGRESS_LABEL = "indexing"
_PROGRESS_BAR_MIN, _PROGRESS_BAR_MAX = 10, 40


def progress_bar(total: int, terminal: TextIO, columns: int):
    """A click progress bar for ``total`` files whose line fits in ``columns``, or None
    when not even a bar of ten does. One column is left free: a line that fills the
    last one wraps on some terminals, and every redraw then leaves a copy behind.
    The ETA, then the label, give way to the bar when there is no room for them."""
    room = columns - 1
    percent, eta = len("100%"), len("  00:00:00")
    for label, with_eta in ((PROGRESS_LABEL, True), (PROGRESS_LABEL, False), ("", False)):
        template = f"{label}  [%(bar)s]  %(info)s" if label else "[%(bar)s]  %(info)s"
        width = room - (len(template) - len("%(bar)s%(info)s")) - percent - (eta if with_eta else 0)
        if width >= _PROGRESS_BAR_MIN:
            break
    else:
        return None
    bar = click.progressbar(length=total, file=terminal, label=label, bar_template=template, show_eta=False,
                            width=min(width, _PROGRESS_BAR_MAX))
    if with_eta:
        bar.item_show_func = lambda item: eta_text(bar)
    return bar


def eta_text(bar) -> str | None:
    """The time left as click shows it, in no more than its usual eight characters
    (click's own ETA grows a day count: "1d 02:00:00" overflowed the line)."""
    if not bar.eta_known or bar.finished:
        return None
    seconds = int(bar.eta)
    if seconds >= 100 * 3600:
        return ">99 h"
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}"


def terminal_columns(terminal: TextIO) -> int:
    """The columns of ``terminal`` (the progress bar's, stderr), ``COLUMNS`` first as
    ``shutil.get_terminal_size`` has it; that asks stdout, which may be a file or a pipe, or
    another terminal, while the bar is drawn on stderr."""
    try:
        measured = os.get_terminal_size(terminal.fileno()).columns
    except (AttributeError, ValueError, OSError):  # no descriptor, or not a terminal after all
        measured = 0
    return columns_asked() or measured or 80  # shutil's fallback


def stderr_terminal() -> TextIO | None:
    """Standard error when it is a terminal (the progress bar's place), else None."""
    return sys.stderr if sys.stderr.isatty() else None


def build_bundled_index_if_missing(index_dir: Path) -> None:
    """First run: index the bundled sample corpus into the default index."""
    from khabar.indexer.store import is_current

    if is_current(index_dir):
        return
    from khabar.indexer.store import IndexMeta

    meta = IndexMeta.load(index_dir)
    roots = None if meta and meta.roots else [BUNDLED_CORPUS]
    if roots and not BUNDLED_CORPUS.is_dir():
        return  # an installed copy without the sample: search reports the missing index
    # Where it cannot be (a read-only home), that is the one line, not a promise before it.
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    say(f"building the index at {index_dir} (first run)…")
    summary = run_update(index_dir, roots, quiet=True)
    say(summary.line())


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def wants_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stdout_is_terminal()


if __name__ == "__main__":
    main()
