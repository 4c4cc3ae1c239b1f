"""The query language: what a user types, parsed into Whoosh queries, and the Jalali date range."""
