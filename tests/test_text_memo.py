"""An article text met again (a copy under another id) is given the value worked out for it before, not analysed again.

:class:`indexer.text_memo.TextMemo` keeps values by the text's digest, the
``size`` last texts; the signature column (indexer/duplicates.py) goes through one.
"""

from __future__ import annotations

from khabar.indexer.duplicates import SignatureField, signature
from khabar.indexer.text_memo import TextMemo

from conftest import bundled_documents


def _bodies(count: int) -> list[str]:
    bodies = list(dict.fromkeys(doc["body"] for doc in bundled_documents(count) if doc["body"]))
    assert len(bodies) >= 10
    return bodies


def test_a_copy_is_not_made_again_and_gets_the_same_value():
    made: list[str] = []

    def make(text: str) -> bytes:
        made.append(text)
        return signature(text)

    memo = TextMemo(make, 100)
    bodies = _bodies(40)
    first = [memo(body) for body in bodies]
    again = [memo("".join(list(body))) for body in bodies]  # equal texts, other objects
    assert made == bodies  # each once
    assert again == first == [signature(body) for body in bodies]


def test_a_text_differing_by_one_character_is_its_own():
    memo = TextMemo(signature, 100)
    body = _bodies(20)[0]
    changed = body.replace(body.split()[20], body.split()[20] + "ها", 1)
    assert memo(body) == signature(body)
    assert memo(changed) == signature(changed) != signature(body)


def test_the_oldest_texts_are_forgotten_beyond_its_size():
    made: list[str] = []
    memo = TextMemo(lambda text: made.append(text) or text.encode()[:8], 3)
    bodies = _bodies(20)[:5]
    for body in bodies:
        memo(body)
    assert len(memo) == 3
    memo(bodies[4])  # among the last three: kept
    memo(bodies[0])  # forgotten: made again
    assert made == bodies + [bodies[0]]


def test_the_signature_column_gives_a_copy_its_bodys_signature():
    field = SignatureField()
    bodies = _bodies(30)
    assert [field.to_column_value(body) for body in bodies + bodies] == [signature(body) for body in bodies] * 2
    assert field.to_column_value(signature(bodies[0])) == signature(bodies[0])  # a stored one, copied
