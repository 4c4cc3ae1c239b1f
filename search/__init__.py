"""Queries, Jalali date filters, ranking, snippets and output over a khabar index."""
