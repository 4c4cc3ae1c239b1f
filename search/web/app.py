"""The web application behind ``khabar serve``: pages and a JSON API over the CLI's library calls.

Every route is a GET (the application never writes), and each page has a JSON twin
that returns, byte for byte, what the command line prints with ``--json``:

=====================  ================================  ==========================================
page                   API                               the same as
=====================  ================================  ==========================================
``/?q=&from=&to=...``  ``/api/search``                   ``khabar search Q --json``
``/article?id=``       ``/api/show?id=``                 ``khabar show ID --json``
``/keywords?k=...``    ``/api/keywords?k=...``           ``khabar keywords K... --json``
``/keywords?top=N``    ``/api/keywords?top=N&by=month``  ``khabar keywords --top N --by month --json``
``/stats``             ``/api/stats``                    ``khabar stats --json``
(the results page)     ``/api/facets``                   (web only: counts per month and source)
=====================  ================================  ==========================================

Search parameters are the CLI's: ``q``, ``from``, ``to``, ``limit``, ``page``, ``sort``;
pages also take ``source``. A malformed query, an impossible date or a bad parameter
gives the page (or ``{"error": ...}``) with the one-line reason and status 400; no
usable index gives 503. Article text reaches a page only through Jinja2's
autoescaping, URLs become links only when they are http(s), and the
Content-Security-Policy allows scripts only from ``/static``.
"""

from __future__ import annotations

import gc
import math
import socket
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass
from importlib.resources import files
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from khabar.indexer.errors import InputError, KhabarError
from khabar.indexer.store import open_for_search
from khabar.search.articles import find_article, index_stats
from khabar.search.engine import Hit, SearchResults, search
from khabar.search.keywords import GROUPINGS, KeywordIndex, lookup_key
from khabar.search.query.dates import jalali_range
from khabar.search.render.formats import results_json
from khabar.search.render.terminal import Style
from khabar.search.similar import similar
from khabar.search.render.views import article_chunks, lookup_chunks, stats_chunks, top_chunks
from khabar.search.snippets import SnippetMarks
from khabar.search.web import display
from khabar.search.web.facets import Facets, facet_counts, search_source

HERE = files("khabar.search.web")
# What the CLI's limits are (cli.py): the API answers the same requests the same way.
SEARCH_LIMIT = (1, 1000)
KEYWORD_LIMIT = (1, 10000)
TOP_DEFAULT = 20
SORTS = ("relevance", "date")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "font-src 'self'",
    "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # following an article's link does not tell the site the query
    "X-Frame-Options": "DENY",
}
_PLAIN = Style()  # the machine formats never colour or reorder
_WEB_MARKS = SnippetMarks(display.MARK_START, display.MARK_END)


class ParameterError(InputError):
    """A request parameter the CLI would also refuse (a limit out of range, an unknown sort)."""


# --- reading parameters ------------------------------------------------------------------------

def _text(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    return value or None


def _whole(request: Request, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = _text(request, name)
    if raw is None:
        return default
    try:
        value = int(raw.translate(_LATIN_DIGITS))
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ParameterError(f"{name} must be a whole number {bound}, not {display_value(raw)}")
    return value


def _choice(request: Request, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = _text(request, name)
    if value is None:
        return default
    if value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(choices)}, not {display_value(value)}")
    return value


def display_value(value: str) -> str:
    shown = " ".join(value.split())
    return repr(shown if len(shown) <= 40 else shown[:39] + "…")


_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)


@dataclass(slots=True)
class SearchForm:
    """The search parameters of a page or of ``/api/search`` (``source`` for pages only)."""

    q: str = ""
    date_from: str | None = None
    date_to: str | None = None
    limit: int = 10
    page: int = 1
    sort: str = "relevance"
    source: str | None = None

    @classmethod
    def read(cls, request: Request) -> SearchForm:
        form = cls(q=request.query_params.get("q", ""), date_from=_text(request, "from"),
                   date_to=_text(request, "to"), source=_text(request, "source"))
        # Filled in one at a time: a bad limit still shows the query it came with.
        form.limit = _whole(request, "limit", 10, *SEARCH_LIMIT)
        form.page = _whole(request, "page", 1, 1)
        form.sort = _choice(request, "sort", SORTS, "relevance")
        return form

    def params(self, **changes) -> dict:
        """The parameters of a link to this search, with ``changes``; defaults left out."""
        values = {"q": self.q, "from": self.date_from, "to": self.date_to, "sort": self.sort,
                  "source": self.source, "limit": self.limit, "page": self.page} | changes
        defaults = {"sort": "relevance", "limit": 10, "page": 1}
        return {name: value for name, value in values.items() if value not in (None, "") and defaults.get(name) != value}


def link(path: str, params: dict | None = None) -> str:
    """A same-site URL: ``path`` with its query string (parameters that are None or '' left out)."""
    kept = {name: value for name, value in (params or {}).items() if value not in (None, "")}
    if not kept:
        return path
    return f"{path}?{urlencode(kept, doseq=True)}"


# --- copies and similar articles (issue 15) --------------------------------------------------------

def copies_of(hit: Hit) -> list[dict]:
    """The other copies of a result's story (``id``, ``url``, ``source``, ``jalali_date``),
    folded under it on the results page."""
    return hit.duplicates


# Articles listed as similar on an article's page.
SIMILAR_ON_PAGE = 5


def similar_articles(index_dir: Path, article) -> list[Hit]:
    """Articles like ``article``, its own copies first (:mod:`search.similar`), listed on its page."""
    return list(similar(index_dir, article.id, limit=SIMILAR_ON_PAGE, expand=False).hits)


# --- the application -------------------------------------------------------------------------------

class Site:
    """One index served: the library calls (one at a time: searchers are shared) and the pages."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.lock = threading.Lock()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "templates")),
            autoescape=True,  # every value is escaped unless it is Markup made here
            undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True,
        )
        self.templates.globals.update(
            link=link, fa=display.fa_digits, fa_number=display.fa_number, jalali_long=display.jalali_long,
            jalali_short=display.jalali_short, gregorian=display.gregorian, month_label=display.month_label,
            link_url=display.link_url, article_link=lambda article_id: link("/article", {"id": article_id}),
            keyword_link=lambda keyword: link("/keywords", {"k": keyword}),
        )

    # pages -------------------------------------------------------------------------------------

    def page(self, name: str, status: int = 200, **context) -> HTMLResponse:
        for key in ("error", "api"):
            context.setdefault(key, None)
        context.setdefault("section", name.removesuffix(".html"))
        html = self.templates.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    def search_page(self, request: Request) -> Response:
        form, error, status = SearchForm(q=request.query_params.get("q", "")), None, 200
        results: SearchResults | None = None
        facets: Facets | None = None
        try:
            form = SearchForm.read(request)
            if form.q.strip():
                with self.lock:
                    results, facets = self.results(form)
        except KhabarError as problem:
            error, status = str(problem), _status(problem)
        views = [self.result_view(hit) for hit in results.hits] if results else []
        sources = facets.sources if facets else []
        return self.page("search.html", status, form=form, results=results, facets=facets, hits=views,
                         source_options=sources, source_names={name for name, _ in sources},
                         pages=_pages(form, results), error=error,
                         api=link("/api/search", {name: value for name, value in form.params().items()
                                                  if name != "source"}))

    def results(self, form: SearchForm) -> tuple[SearchResults, Facets]:
        common = dict(date_from=form.date_from, date_to=form.date_to)
        if form.source is None:
            results = search(self.index_dir, form.q, limit=form.limit, page=form.page, sort=form.sort,
                             marks=_WEB_MARKS, **common)
            facets = facet_counts(self.index_dir, form.q, **common)
        else:
            facets = facet_counts(self.index_dir, form.q, source=form.source, **common)
            matches = sum(count for _, count in facets.sources)
            results = search_source(self.index_dir, form.q, form.source, total=facets.total, matches=matches,
                                    limit=form.limit, page=form.page, sort=form.sort, marks=_WEB_MARKS, **common)
        return results, facets

    def result_view(self, hit: Hit) -> dict:
        return {"hit": hit, "snippet": display.snippet_html(hit.snippet),
                "copies": copies_of(hit)}

    def article_page(self, request: Request) -> Response:
        article_id = request.query_params.get("id", "")
        if not article_id.strip():
            return self.page("error.html", 400, title="خبر", error="give the article's id: /article?id=ID")
        try:
            with self.lock:
                article = find_article(self.index_dir, article_id)
                similar = similar_articles(self.index_dir, article) if article is not None else []
        except KhabarError as problem:
            return self.page("error.html", _status(problem), title="خبر", error=str(problem))
        if article is None:
            return self.page("error.html", 404, title="خبر", error=f"no article with id {article_id!r}")
        paragraphs = [line for line in (part.strip() for part in article.body.splitlines()) if line]
        return self.page("article.html", section="search", article=article, paragraphs=paragraphs, similar=similar,
                         api=link("/api/show", {"id": article.id}))

    def keywords_page(self, request: Request) -> Response:
        wanted = [keyword for keyword in request.query_params.getlist("k") if keyword.strip()]
        context = {"wanted": wanted, "top": TOP_DEFAULT, "by": None, "date_from": _text(request, "from"),
                   "date_to": _text(request, "to"), "counts": None, "answers": None}
        status, error = 200, None
        try:
            context["by"] = _choice(request, "by", GROUPINGS, None)
            context["top"] = _whole(request, "top", TOP_DEFAULT, 1, 1000)
            limit = _whole(request, "limit", 10, *KEYWORD_LIMIT)
            date_filter = jalali_range(context["date_from"], context["date_to"])
            for keyword in wanted:
                lookup_key(keyword)
            with self.lock, KeywordIndex(self.index_dir) as index:
                if wanted:
                    context["answers"] = [index.lookup(keyword, date_filter=date_filter, limit=limit)
                                          for keyword in wanted]
                else:
                    context["counts"] = _grouped(index.top(context["top"], date_filter=date_filter,
                                                           by=context["by"]))
        except KhabarError as problem:
            status, error = _status(problem), str(problem)
        params = {"from": context["date_from"], "to": context["date_to"]}
        api = link("/api/keywords", {"k": wanted} | params if wanted else
                   {"top": context["top"], "by": context["by"]} | params)
        return self.page("keywords.html", status, error=error, api=api, **context)

    def stats_page(self, request: Request) -> Response:
        try:
            with self.lock:
                stats = index_stats(self.index_dir)
        except KhabarError as problem:
            return self.page("error.html", _status(problem), title="آمار", error=str(problem))
        return self.page("stats.html", stats=stats, size=display.size(stats.size_bytes),
                         updated=display.jalali_moment(stats.updated), api="/api/stats")

    # the JSON API ----------------------------------------------------------------------------

    def api_search(self, request: Request) -> Response:
        form = SearchForm.read(request)
        if form.source is not None:
            raise ParameterError("source filters pages only: /api/search answers what 'khabar search --json' "
                                 "does, which has no source filter (/api/facets counts the sources)")
        with self.lock:
            results = search(self.index_dir, form.q, date_from=form.date_from, date_to=form.date_to,
                             limit=form.limit, page=form.page, sort=form.sort, marks=SnippetMarks())
        return _json(results_json(results))

    def api_facets(self, request: Request) -> Response:
        form = SearchForm.read(request)
        with self.lock:
            facets = facet_counts(self.index_dir, form.q, date_from=form.date_from, date_to=form.date_to,
                                  source=form.source)
        return JSONResponse({
            "query": form.q, "total": facets.total, "by": facets.by, "undated": facets.undated,
            "sources": [{"source": name or None, "count": count} for name, count in facets.sources],
            "timeline": [{facets.by: bar.period, "count": bar.count} for bar in facets.timeline],
        })

    def api_keywords(self, request: Request) -> Response:
        wanted = request.query_params.getlist("k")
        top = _whole(request, "top", 0, 1) if _text(request, "top") else None
        by = _choice(request, "by", GROUPINGS, None)
        if bool(wanted) + (top is not None) != 1:
            raise ParameterError("give k=KEYWORD (one or more) or top=N (one of them)")
        if by and top is None:
            raise ParameterError("by goes with top")
        limit = _whole(request, "limit", 10, *KEYWORD_LIMIT)
        date_filter = jalali_range(_text(request, "from"), _text(request, "to"))
        for keyword in wanted:
            lookup_key(keyword)
        with self.lock, KeywordIndex(self.index_dir) as index:
            if top is not None:
                chunks = top_chunks(index.top(top, date_filter=date_filter, by=by), by, "json", _PLAIN)
            else:
                answers = [index.lookup(keyword, date_filter=date_filter, limit=limit) for keyword in wanted]
                chunks = lookup_chunks(answers, "json", _PLAIN)
            return _json("".join(chunks))

    def api_show(self, request: Request) -> Response:
        article_id = request.query_params.get("id", "")
        if not article_id.strip():
            raise ParameterError("give the article's id: /api/show?id=ID")
        with self.lock:
            article = find_article(self.index_dir, article_id)
        if article is None:
            return JSONResponse({"error": f"no article with id {article_id!r}"}, 404)
        return _json("".join(article_chunks(article, "json", _PLAIN)))

    def api_stats(self, request: Request) -> Response:
        with self.lock:
            return _json("".join(stats_chunks(index_stats(self.index_dir), "json", _PLAIN)))

    # errors --------------------------------------------------------------------------------------

    def api_error(self, request: Request, problem: Exception) -> Response:
        assert isinstance(problem, KhabarError)
        return JSONResponse({"error": str(problem)}, _status(problem))

    def http_error(self, request: Request, problem: Exception) -> Response:
        assert isinstance(problem, HTTPException)
        message = {404: "no such page", 405: "this server only reads: GET requests only"}.get(
            problem.status_code, str(problem.detail))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, problem.status_code)
        return self.page("error.html", problem.status_code, title="خطا", error=message)

    def server_error(self, request: Request, problem: Exception) -> Response:
        # A bug, not the user's mistake: no traceback to the browser (the server's log has it).
        # Sent from outside the other middleware: the security headers are added here.
        message = "khabar failed to answer this request (a bug: the server's log has the details)"
        if request.url.path.startswith("/api/"):
            response: Response = JSONResponse({"error": message}, 500)
        else:
            response = self.page("error.html", 500, title="خطا", error=message)
        response.headers.update(SECURITY_HEADERS)
        return response


def _status(problem: KhabarError) -> int:
    """400 for what the user typed, 503 for no usable index (exit statuses 2 and 3)."""
    return 400 if isinstance(problem, InputError) or problem.exit_status == 2 else 503


def _json(document: str) -> Response:
    """A document the CLI's JSON format built, as it built it."""
    return Response(document, media_type="application/json")


def _pages(form: SearchForm, results: SearchResults | None) -> dict | None:
    """Page links: the first, the last and two either side of this one; None for one page."""
    if not results or (listed := results.total if results.stories is None else results.stories) <= form.limit:
        return None  # (collapsed results are pages of stories)
    count = math.ceil(listed / form.limit)
    shown = sorted({1, count, *range(max(1, form.page - 2), min(count, form.page + 2) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)  # a gap
        numbers.append(number)
    return {"count": count, "numbers": numbers, "current": form.page,
            "previous": form.page - 1 if form.page > 1 else None,
            "next": form.page + 1 if form.page < count else None}


def _grouped(counts) -> list[tuple[str | None, list]]:
    """``keywords --top`` counts as ``[(group, [count, ...]), ...]`` in their order."""
    groups: list[tuple[str | None, list]] = []
    for count in counts:
        if not groups or groups[-1][0] != count.group:
            groups.append((count.group, []))
        groups[-1][1].append(count)
    return groups


class Headers:
    """ASGI middleware: the security headers on every response (pages, API, static files,
    errors), and ``Server-Timing: app;dur=MS``, the time the application took to start
    answering (what ``bench/serve_bench.py`` measures)."""

    def __init__(self, app) -> None:
        self.app = app
        self.added = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - started) * 1000
                message["headers"] = [*message.get("headers", []), *self.added,
                                      (b"server-timing", f"app;dur={took:.2f}".encode())]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(index_dir: Path, *, allowed_hosts: list[str] | None = None) -> Starlette:
    """The application serving ``index_dir``. ``allowed_hosts``: the Host names it answers
    (by default the loopback names, so that no other site can reach it through DNS rebinding)."""
    site = Site(index_dir)
    routes = [
        Route("/", site.search_page),
        Route("/article", site.article_page),
        Route("/keywords", site.keywords_page),
        Route("/stats", site.stats_page),
        Route("/api/search", site.api_search),
        Route("/api/facets", site.api_facets),
        Route("/api/keywords", site.api_keywords),
        Route("/api/show", site.api_show),
        Route("/api/stats", site.api_stats),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Headers), Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or list(LOOPBACK_NAMES))],
        exception_handlers={KhabarError: site.api_error, HTTPException: site.http_error,
                            Exception: site.server_error},
    )
    app.state.site = site
    return app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Server:
    """A uvicorn server on a socket bound already: :meth:`run` serves until :meth:`stop`
    (or Ctrl-C when run in the main thread)."""

    def __init__(self, server, listener: socket.socket, url: str) -> None:
        self.server, self.listener, self.url = server, listener, url

    @property
    def started(self) -> bool:
        return bool(self.server.started)

    def run(self) -> None:
        try:
            self.server.run(sockets=[self.listener])
        finally:
            self.listener.close()

    def stop(self) -> None:
        self.server.should_exit = True


def warm_up(index_dir: Path) -> None:
    """Load what the first search would (the searcher, the Persian analysis, the snippet
    tables), then leave everything loaded so far out of the garbage collector's full
    passes (``gc.freeze``, for the whole process: call it in a process that is the
    server): it is kept for the server's whole life, and walking it made each
    collection during a request cost milliseconds."""
    try:
        search(index_dir, "ایران", limit=1)
    except KhabarError:  # an index the searcher cannot use yet: the first request says so
        pass
    gc.collect()
    gc.freeze()


def make_server(index_dir: Path, *, host: str = "127.0.0.1", port: int = 8080) -> Server:
    """A server for ``index_dir`` at ``host:port`` (port 0: any free one; ``.url`` says
    which). Raises IndexUnavailable when the index cannot be opened and OSError when the
    address cannot be bound (a port in use), before anything starts."""
    import uvicorn

    open_for_search(index_dir).close()  # no index: say so now, not on the first request
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((bare, port))
    except OSError as error:
        listener.close()
        # The CLI names an OSError's filename: here, the address that could not be had.
        raise OSError(error.errno, error.strerror, f"{host}:{port}") from None
    bound = listener.getsockname()[1]
    shown = "127.0.0.1" if bare in ("0.0.0.0", "::") else f"[{bare}]" if family == socket.AF_INET6 else bare
    app = create_app(index_dir, allowed_hosts=None if is_loopback(host) else ["*"])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, server_header=False))
    return Server(server, listener, f"http://{shown}:{bound}/")


def serve(index_dir: Path, *, host: str = "127.0.0.1", port: int = 8080, open_browser: bool = False,
          echo=None) -> None:
    """``khabar serve``: serve ``index_dir`` until interrupted (Ctrl-C). Raises what
    :func:`make_server` raises; ``echo`` writes the one-line notes (default: stderr)."""
    echo = echo or (lambda line: print(line, file=sys.stderr))
    if not is_loopback(host):
        echo(f"khabar: warning: listening on {host}, not on this machine alone: anyone who can reach "
             f"it can read the index")
    server = make_server(index_dir, host=host, port=port)
    warm_up(index_dir)  # this process is the server from now on
    echo(f"khabar: serving {index_dir} at {server.url} (Ctrl-C stops)")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, [server.url]).start()
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn shuts down on Ctrl-C, then raises it again: stopping is no failure
        pass
    echo("khabar: stopped")
