"""Equality for Whoosh analysis components that hold no settings."""

from __future__ import annotations


class Stateless:
    """Mixed in before a Whoosh tokenizer or filter without settings: any two of one class
    are equal and hash alike (Whoosh compares a field's analyzer with another's by equality)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))
