"""The index schema: its fields, and what an undated article holds in them.

Every module that names a field uses these constants.
"""

from __future__ import annotations

from whoosh.columns import VarBytesColumn
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema

from .addresses import address_key, news_item
from .codec import CompactPositions
from .duplicates import SignatureField
from .forward import ForwardField
from .article import Article
from .dates import jalali_day
from .persian.analyzer import persian_analyzer
from .persian.folding import keyword_key
from .persian.written import WrittenWordSet, written_analyzer

ALL = "all"  # title, keywords and body as one text: what plain query words search
TITLE = "title"
BODY = "body"
KEYWORDS = "keywords"
TAGS = "tags"  # keywords as exact folded tags (keyword_key), for lookups and counts
KEYWORD_LIST = "keyword_list"  # keywords as written
DATE = "date"
JALALI_DAY = "jalali_day"
SOURCE = "source"
URL = "url"
PATH = "path"
FILE_HASH = "file_hash"
FILE_STAMP = "file_stamp"
SIGNATURE = "signature"  # MinHash of the body's word shingles, a column (indexer/duplicates.py)
ADDRESS = "address"  # the URL as address_key spells it: show finds an article by its URL
NEWS_ITEM = "news_item"  # the URL up to its news number: show without the slug
SPELLING = "spelling"  # every word as written, once per article: the did-you-mean vocabulary
FORWARD = "forward"  # the combined field's terms and counts per article, a column (indexer/forward.py)

# An undated article has no date and no Jalali day. Where articles after it
# have them, Whoosh fills its column slots with the type's largest value;
# readers of the columns test with these, never with numbers of their own.
UNDATED_DATE_COLUMN = 2**64 - 1


def article_fields(doc_id: str, article: Article, *, path: str, digest: str, stamp: str) -> dict:
    """What the index holds of one article, by field: the one place an Article becomes a document."""
    text = "\n".join(filter(None, (article.title, "\n".join(article.keywords), article.body)))
    fields = {
        "id": doc_id,
        ALL: text,
        SPELLING: text,
        TITLE: article.title,
        BODY: article.body,
        KEYWORDS: "\n".join(article.keywords),
        TAGS: ",".join(filter(None, (keyword_key(k) for k in article.keywords))),
        KEYWORD_LIST: list(article.keywords),
        SOURCE: article.source,
        URL: article.url,
        PATH: path,
        FILE_HASH: digest,
        FILE_STAMP: stamp,
        SIGNATURE: article.body,  # worked out where the article is written (SignatureField)
        FORWARD: (text, "\n".join(article.keywords)),  # the text and its keywords' part (ForwardField)
    }
    if article.url:
        fields[ADDRESS] = address_key(article.url)
        if (item := news_item(fields[ADDRESS])) is not None:
            fields[NEWS_ITEM] = item
    if article.date is not None:
        fields[DATE] = article.date
        fields[JALALI_DAY] = jalali_day(article.date)
    return fields


def is_jalali_day(value: int | None) -> bool:
    """Whether a ``jalali_day`` column value is a day (YYYYMMDD), not an undated article's filler."""
    return value is not None and 0 < value < 100_000_000


class StoredColumn(STORED):
    """A stored field also kept in a column, with no terms: a value read for many
    articles at once (a story's copies) without unpickling their stored fields, and
    no term table entry for a value unique to each article (a URL)."""

    def __init__(self) -> None:
        self.column_type = VarBytesColumn()

    def to_column_value(self, value) -> bytes:
        return value if isinstance(value, bytes) else value.encode("utf-8")  # bytes: Whoosh copying a column

    def from_column_value(self, value: bytes) -> str:
        return value.decode("utf-8")


def _stored_in_column(field: FieldType) -> FieldType:
    """A stored and sortable ``ID`` field whose stored value is read from its column
    (indexer.codec.KhabarPerDocReader): held once, not also in each stored pickle.
    Only the path: unique, long and read by no search (0.58 MB of the 1x news set's
    stored fields). The id and URL compress against each other in the pickle (~0.1 MB
    each), the source is short: a column read each (~2 µs) for every stored-fields
    read is not worth them."""
    if not isinstance(field.column_type, VarBytesColumn) or type(field).from_column_value is not ID.from_column_value:
        raise TypeError("only a column of the text in UTF-8 can hold a stored value")
    field.stored_in_column = True
    return field


def _unindexed(field: FieldType) -> FieldType:
    """``field`` with its column (and stored value) but no terms: a value read from
    its column alone (a date sorted by, a file's digest compared), never searched.
    Each article's own terms cost ~40 bytes each in the term table."""
    field.indexed = False
    return field


def _text(analyzer, **options) -> TEXT:
    """A phrase-searchable text field whose positions use khabar's compact encoding."""
    field = TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase", **options)
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> Schema:
    analyzer = persian_analyzer()
    return Schema(
        # Columns (sortable) for what an incremental run compares: read
        # without loading any article's stored text.
        id=ID(stored=True, unique=True, sortable=True),
        # Queries search one combined field: adding up separate title and
        # body BM25 scores cost 12-25 MAP points on the Hamshahri judgments
        # (docs/ranking.md). The body is only stored; title and keywords stay
        # searchable on their own (``title:``, ``keywords:``).
        all=_text(analyzer),
        title=_text(analyzer, stored=True),
        body=STORED(),
        # Keywords are also kept as exact tags for lookups and counts.
        keywords=_text(analyzer),
        tags=KEYWORD(commas=True, scorable=False),
        keyword_list=STORED(),
        # Sorted by and shown, never searched (a Jalali range is a jalali_day range): no terms.
        date=_unindexed(DATETIME(stored=True, sortable=True)),
        # Jalali calendar day in Tehran as YYYYMMDD, so a Jalali range is one
        # numeric range.
        jalali_day=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        source=ID(stored=True, sortable=True),
        # Stored, and a column: a story's copies are listed from columns (search/collapse.py).
        url=StoredColumn(),
        path=_stored_in_column(ID(stored=True, sortable=True)),  # stored fields read it from the column
        # Compared from their columns by an incremental run (indexer/update.py): no terms.
        file_hash=_unindexed(ID(sortable=True)),
        file_stamp=_unindexed(ID(sortable=True)),
        # Near-duplicates (the same story republished or under a second URL)
        # are found from this column at search time (search/collapse.py).
        signature=SignatureField(),
        address=ID(),
        news_item=ID(),
        # Not stored, not scored: its term table is the vocabulary with each
        # form's document frequency (indexer/persian/written.py).
        spelling=FieldType(WrittenWordSet(), analyzer=written_analyzer(), scorable=False),
        # Feedback and similar read an article's terms here, not by analysing its text again.
        forward=ForwardField(analyzer),
    )
