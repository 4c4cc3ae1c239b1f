"""``khabar serve``: a local, read-only web application over the library calls the CLI makes.

- :mod:`.app` — the Starlette application (pages and the JSON API) and :func:`.app.serve`,
  the entry point ``khabar serve`` calls. Only it imports the web framework.
- :mod:`.facets` — match counts per Jalali month and per source for a query, and a
  source filter over ranked results (the engine has neither yet).
- :mod:`.display` — what a Persian reader sees: Persian digits, Jalali month names, the
  Gregorian date beside the Jalali one, snippets with ``<mark>``, which URLs may be links.
- ``templates/`` (Jinja2, autoescaped) and ``static/`` (CSS, one small script, the
  Vazirmatn font under the SIL Open Font License).

Importing this package imports nothing: ``khabar`` start-up does not pay for the framework.
"""
