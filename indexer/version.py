"""The index format version, kept apart from the schema so that reading it imports nothing heavy."""

# Bump whenever the schema or the analysis changes what is stored or how terms
# are made: an index of another version is rebuilt, never misread.
# 4: array posting blocks and positions (indexer/codec.py); 5: pickled as khabar.indexer.*;
# 6: MinHash signatures of the bodies (indexer/duplicates.py) and the ``spelling`` field, the
# did-you-mean vocabulary (indexer/persian/written.py); 7: each URL's address and news item
# (indexer/addresses.py), so that show finds an article by its URL whatever its id; 8: each
# article's terms and counts, a forward index (indexer/forward.py), and varint term infos with
# short id-only lists inlined, posting arrays in their narrowest type (indexer/codec.py); 9: the URL also in a column
# (indexer/schema.py StoredColumn), so that a story's copies are listed without their stored fields
SCHEMA_VERSION = 9
