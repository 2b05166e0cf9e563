"""Text folding, word tokens and a small stop-word language detector (Portuguese / English).

Everything here is on the hot path of ingestion (200k+ sentences), so it is plain ``str``
methods and precompiled tables: :func:`fold` is one ``lower()`` plus one ``translate()``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PT_WORDS = """
a à ao aos aquela aquelas aquele aqueles aquilo as às até com como contra da das de dela delas dele deles
depois desde do dos durante e é ela elas ele eles em entre era eram essa essas esse esses esta está estão
estas estava estavam este estes eu foi foram há isso isto já lhe lhes mais mas me mesmo mesma meu minha
muito muitos muita muitas na não nas nem no nos nós num numa o os ou para pela pelas pelo pelos por porque
porém pois qual quais quando quanto quantos quantas que quem se sem seu seus sua suas só sobre também
tem têm tinha tinham um uma umas uns você vocês ser são será serão seria sido estar ter teve tiveram houve
vai vão sendo neste nesta nesse nessa nestes nestas deste desta desse dessa destes destas daquele daquela
naquele naquela ainda onde após cada outro outra outros outras todo toda todos todas
tudo nada pode podem deve devem seja sejam então assim aqui lá algum alguma alguns algumas nenhum nenhuma
contudo embora enquanto sob perante cujo cuja cujos cujas sempre nunca
"""

_EN_WORDS = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not of off on once only or other our ours out over own said same says she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom whose why will with would you your yours since
"""

# Words that are frequent in Spanish but not in Portuguese or English: a text dominated by them is
# neither of our two languages and is reported as "und" instead of being mistaken for Portuguese.
_ES_MARKERS = frozenset(
    ("el", "la", "los", "las", "y", "del", "en", "con", "una", "es", "su", "sus", "pero", "muy", "ha", "han",
     "fue", "lo", "le", "al")
)


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Latin-1 supplement, Latin Extended-A/B and Latin Extended Additional cover every accented
    # letter of Portuguese and English news; other scripts are kept as they are.
    ranges = ((0x00A0, 0x0250), (0x1E00, 0x1F00))
    for low, high in ranges:
        for code in range(low, high):
            ch = chr(code)
            folded = _fold_char(ch)
            if folded != ch:
                table[code] = folded
    for code in range(0x0300, 0x0370):  # combining marks of already-decomposed (NFD) input
        table[code] = ""
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Lowercase ``text`` and strip accents (NFKD minus combining marks); keep everything else.

    ``fold("Ação à Rússia")`` is ``"acao a russia"``. Accented letters fold one-to-one, so
    offsets into the folded text match the original for ordinary Latin text.
    """
    return text.lower().translate(_FOLD_TABLE)


def _word_set(raw: str) -> frozenset[str]:
    unfolded = set(raw.split())
    return frozenset(unfolded | {fold(w) for w in unfolded})


#: Stop words per language, lowercase, in both accented and accent-folded forms.
STOPWORDS: dict[str, frozenset[str]] = {"pt": _word_set(_PT_WORDS), "en": _word_set(_EN_WORDS)}

# News-register words that tell the languages apart but are not stop words (a search for
# "anos" must still find it), so they only count for detection.
_DETECT_WORDS: dict[str, frozenset[str]] = {
    "pt": STOPWORDS["pt"] | _word_set("disse afirmou segundo ontem hoje anos ano governo presidente"),
    "en": STOPWORDS["en"] | _word_set("said says told according yesterday today ago years year government"),
}

# A number keeps its separators ("1.000", "2,5", "10:30"); otherwise a word is a run of letters and
# digits, and runs joined by single hyphens stay one token ("norte-coreano", "kim-jong-un").
_WORD_RE = re.compile(r"\d+(?:[.,:]\d+)+|[^\W_]+(?:-[^\W_]+)*")


def words(text: str, *, with_parts: bool = False) -> list[str]:
    """The word tokens of ``fold(text)``.

    Rule: a token is a number with its inner separators (``1.000``, ``2,5``, ``10:30``) or a run
    of letters/digits; runs joined by hyphens form one token (``norte-coreano``). Everything else
    (punctuation, apostrophes, quotes, symbols) separates tokens. With ``with_parts=True`` each
    hyphenated token is followed by its parts: ``["norte-coreano", "norte", "coreano"]``.
    """
    tokens = _WORD_RE.findall(fold(text))
    if not with_parts:
        return tokens
    expanded: list[str] = []
    for token in tokens:
        expanded.append(token)
        if "-" in token:
            expanded.extend(token.split("-"))
    return expanded


_DETECT_CHARS = 2000
# For texts of at least this many words, the winning language must also cover this share of them.
_LONG_TEXT_WORDS = 12
_MIN_RATIO = 0.1


@lru_cache(maxsize=4096)
def _detect_cached(sample: str) -> str:
    tokens = words(sample)
    # "la" is also folded Portuguese "lá": a Spanish marker never counts for Portuguese.
    pt = sum(1 for t in tokens if t in _DETECT_WORDS["pt"] and t not in _ES_MARKERS)
    en = sum(1 for t in tokens if t in _DETECT_WORDS["en"])
    es = sum(1 for t in tokens if t in _ES_MARKERS)
    best = max(pt, en)
    if best == 0 or pt == en or es >= best:
        return "und"
    if len(tokens) >= _LONG_TEXT_WORDS and best / len(tokens) < _MIN_RATIO:
        return "und"
    return "pt" if pt > en else "en"


def detect_language(text: str) -> str:
    """``"pt"``, ``"en"`` or ``"und"``, by stop-word counts over the first ~2,000 characters.

    Works on a single question too: ``"When did Lavrov visit Pyongyang?"`` is ``"en"``,
    ``"Quando Lavrov chegou à Coreia do Norte?"`` is ``"pt"``; text with no stop words (or a tie,
    or mostly Spanish function words) is ``"und"``.
    """
    return _detect_cached(text[:_DETECT_CHARS])
