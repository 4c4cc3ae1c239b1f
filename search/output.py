"""Rendering search results for a terminal or for programs."""

from __future__ import annotations

import json

from .engine import SearchResults
from .terminal import clean_text

# ANSI styles for the terminal view; used only when colour is on.
BOLD = "\x1b[1m"
MATCH = "\x1b[1;33m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


def results_json(results: SearchResults) -> str:
    return json.dumps(
        {"query": results.query, "total": results.total, "results": [hit.as_dict() for hit in results.hits]},
        ensure_ascii=False,
    )


def results_table(results: SearchResults, *, color: bool, first_rank: int = 1) -> str:
    """Numbered hits: title, then date · source · URL, then the snippet."""
    bold, dim, reset = (BOLD, DIM, RESET) if color else ("", "", "")
    lines: list[str] = []
    for rank, hit in enumerate(results.hits, start=first_rank):
        lines.append(f"{bold}{rank}. {clean_text(hit.title) or '(untitled)'}{reset}")
        meta = " · ".join(clean_text(part) for part in (hit.jalali_date or "no date", hit.source, hit.url) if part)
        lines.append(f"   {dim}{meta}{reset}")
        if hit.snippet:
            lines.append(f"   {hit.snippet}")
        lines.append("")
    shown = f"{first_rank}–{first_rank + len(results.hits) - 1}" if results.hits else "none"
    lines.append(f"{dim}{results.total} found, showing {shown}{reset}")
    return "\n".join(lines)
