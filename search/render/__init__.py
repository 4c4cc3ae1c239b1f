"""Presentation: the table view for a terminal, and the machine formats (json, jsonl, tsv, csv)."""
