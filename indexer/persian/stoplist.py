"""Words that are not index terms.

Two kinds: affix pieces left over when a ZWNJ or a space splits a word from its
suffix or prefix (``تعاونی‌ها`` → ``تعاونی`` + ``ها``), and a reviewed list of
function words. hazm's stopword list was not taken as is: it holds news content
words (``بزرگ``, ``جدید``, ``رشد``, ``تغییر``, ``بخش``, ``گرفت``) that people
search for. Entries are written as folded by :func:`folding.fold`.
"""

from __future__ import annotations

from .folding import fold

AFFIX_PIECES = frozenset(fold(w) for w in """
ها های هایی هاي ترین تر ترها ای ام ات اش اند ایم اید ی یی می نمی بی
""".split())

FUNCTION_WORDS = frozenset(fold(w) for w in """
و در به از که این را با است برای آن یک خود تا بر هم نیز وی شد ما اما یا شده
باید هر آنها بود او دیگر همه اگر پس چه چون نه همین همان آنان ایشان من تو شما
ایم اید اند هست هستند نیست باشد باشند بوده بودند شود شوند کرده کند کنند
کنیم کردن شدن داشت دارد دارند داشته
زیرا ولی لیکن بلکه سپس نیز ضمن طی روی زیر بین میان درباره توسط جز بدون
یعنی اینکه آنکه چنین چنان آیا هیچ البته حتی فقط همچنین چرا کجا چگونه
ها های هایی را رو اش ای بی شان تان مان
""".split())

STOPWORDS = AFFIX_PIECES | FUNCTION_WORDS
