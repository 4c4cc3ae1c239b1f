"""Where the index lives, and its metadata (schema version, indexed folders)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import IndexUnavailable
from .version import SCHEMA_VERSION

INDEX_ENV = "KHABAR_INDEX"
_META_FILE = "khabar.json"


class IndexMissing(IndexUnavailable):
    """There is no usable index where one was expected; the message says how to build it."""


def default_index_dir() -> Path:
    """``$KHABAR_INDEX``, else ``$XDG_DATA_HOME/khabar/index`` (``~/.local/share/khabar/index``)."""
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "khabar" / "index"


@dataclass(slots=True)
class IndexMeta:
    schema_version: int = SCHEMA_VERSION
    roots: list[str] = field(default_factory=list)
    updated: str = ""

    @classmethod
    def load(cls, index_dir: Path) -> IndexMeta | None:
        try:
            raw = json.loads((index_dir / _META_FILE).read_text(encoding="utf-8"))
            return cls(int(raw["schema_version"]), list(raw.get("roots", [])), str(raw.get("updated", "")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, index_dir: Path) -> None:
        self.updated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        partial = index_dir / f"{_META_FILE}.tmp"
        partial.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(index_dir / _META_FILE)


def index_exists(index_dir: Path) -> bool:
    from whoosh import index

    return index_dir.is_dir() and index.exists_in(str(index_dir))


def is_current(index_dir: Path) -> bool:
    """The index exists and was written by this schema version."""
    meta = IndexMeta.load(index_dir)
    return meta is not None and meta.schema_version == SCHEMA_VERSION and index_exists(index_dir)


def open_for_search(index_dir: Path):
    """Open an existing index of this schema version, or raise :class:`IndexMissing`."""
    if not index_exists(index_dir):
        raise IndexMissing(f"no index at {index_dir}: build one with 'khabar index FOLDER'")
    meta = IndexMeta.load(index_dir)
    if meta is None or meta.schema_version != SCHEMA_VERSION:
        raise IndexMissing(
            f"the index at {index_dir} was built by another version of khabar: "
            "rebuild it with 'khabar index --rebuild'"
        )
    try:
        # Not mmap: whoosh3 wraps each mmapped sub-file of a compound segment
        # in BytesIO, copying it whole (tens of MB) on every open.
        from whoosh.filedb.filestore import FileStorage

        return FileStorage(str(index_dir), supports_mmap=False, readonly=True).open_index()
    except Exception as error:  # whoosh raises many kinds for a damaged index
        raise IndexMissing(f"cannot open the index at {index_dir} ({error}): rebuild it with 'khabar index --rebuild'") from error
