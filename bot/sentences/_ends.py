"""Where sentences end: candidate ends and the rules that keep or drop each one.

One compiled regex finds candidate ends (terminators ``. ! ? …`` plus any closing quotes/brackets,
followed by a space); :func:`_decide` keeps or drops each with a few rules: abbreviations,
initials, numbers, quotes followed by an attribution, ellipses, bylines, bullets ("– 12 de julho
de 2000: ...", "• Item") and caseless text (no capital anywhere: a lowercase word may open a
sentence).
"""

from __future__ import annotations

import bisect
import re

from bot.language import STOPWORDS, fold

# A sentence-end candidate: a run of terminators, then closing quotes/brackets, then a space.
# The terminators are a group so the decision function can tell "." from "?" or "...".
_CLOSERS = "\"'”’»)]"
_CANDIDATE_RE = re.compile(rf"([.!?…]+)([{re.escape(_CLOSERS)}]*)(?= )")

# Quote characters whose pairing is tracked: curly quotes and guillemets pair directly, straight
# ones by context; a ’ between two letters is an apostrophe (d’água), not a closing quote.
_QUOTE_RE = re.compile(r"[\"“”«»‘’']")
_CLOSE_OF = {"“": "”", "«": "»", "‘": "’"}
# A quote whose end is further than this from its start is not treated as one quotation: an
# unbalanced quote mark must not glue a whole paragraph into one "sentence".
_MAX_QUOTE_CHARS = 600

# Characters that may open the next sentence before its first letter.
_OPENERS = "\"“«'‘([{—–-•*"
_DASHES = "—–-"


def _names(raw: str) -> frozenset[str]:
    return frozenset(raw.split())


# Titles and other abbreviations that are never the last word of a sentence (exact case).
_NEVER_FINAL = _names(
    """
    Sr Sra Srta Srs Sras Dr Dra Drs Dras Prof Profa Profs Gen Cel Ten Maj Sgt Cap Cmte Alm Brig Min Dep
    Sen Gov Pres Ver Des Eng Arq Adv Pe Fr Mons Sto Sta Av Al Pça Exmo Exma Ilmo Ilma Revmo Dom Mr Mrs Ms
    Messrs Mme Mlle Rev Hon Lt Col Capt Cmdr Adm Rep Sgt Supt St Mt Ft Dept Univ Gens
    sr sra srta srs sras dr dra drs prof profa exmo exma ilmo ilma séc sec cf aprox approx obs tel vs
    ex p.ex e.g i.e ca av fl fls pág págs pp
    """
)
# Abbreviations that cannot end a sentence when a number follows ("nº 5", "art. 5", "Jan. 18"); before
# a capital they are ordinary sentence ends. ("Mar"/"May" are left out: the sea, the month.)
_BEFORE_NUMBER = _names(
    """
    no nos No Nos nº Nº n N núm Núm num Num art arts Art Arts p P cap Cap vol Vol fig Fig figs tab Tab
    inc Inc item op ed Ed cl § para Para
    jan fev abr mai jun jul ago set out nov dez Jan Fev Abr Mai Jun Jul Ago Set Out Nov Dez
    Feb Apr Aug Sep Sept Oct Dec
    """
)
# Abbreviations that may well end a sentence ("... da Petrobras S.A. O grupo"): split only when the
# next word is a typical sentence opener (a capitalised stop word).
_MAYBE_FINAL = _names(
    """
    etc Etc Ltda ltda Cia cia Inc Co Corp Ltd Jr jr Bros al min seg hab
    """
)
# Words that typically open a sentence (folded): the stop words of both languages plus frequent
# sentence adverbs. Used where a period is ambiguous ("vitamina D. Portanto ...").
_OPENER_WORDS = (
    STOPWORDS["pt"]
    | STOPWORDS["en"]
    | _names(
        """
        portanto alem entretanto todavia primeiro segundo depois hoje ontem agora existem existe novamente
        apesar conforme diante questionado questionada procurado procurada perguntado perguntada
        however meanwhile first today yesterday now still yet thus therefore
        """
    )
)
_TRIM_PUNCT = "\"'“”‘’«»()[]{}<>,;:*_—–-"

_MAX_BYLINE_CHARS = 120


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of the quotations in ``text``, sorted by opening position."""
    spans: list[tuple[int, int]] = []
    open_curly: dict[str, int] = {}
    open_straight: dict[str, int] = {}
    for m in _QUOTE_RE.finditer(text):
        ch, pos = m.group(), m.start()
        if ch in _CLOSE_OF:
            open_curly[_CLOSE_OF[ch]] = pos
        elif ch in ("”", "»", "’"):
            if ch == "’" and _between_letters(text, pos):
                continue
            start = open_curly.pop(ch, None)
            if start is not None:
                spans.append((start, pos))
        else:
            _pair_straight(text, ch, pos, open_straight, spans)
    spans.sort()
    return spans


def _between_letters(text: str, pos: int) -> bool:
    return 0 < pos < len(text) - 1 and text[pos - 1].isalnum() and text[pos + 1].isalnum()


def _pair_straight(
    text: str, ch: str, pos: int, open_straight: dict[str, int], spans: list[tuple[int, int]]
) -> None:
    before = text[pos - 1] if pos else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    opens = before == " " or before in "([{—–-"
    closes = after == " " or not after.isalnum()
    if ch == "'" and (
        _between_letters(text, pos) or (ch not in open_straight and not (opens and after.isalnum()))
    ):
        return  # an apostrophe (d'água, Kim's), not a single quote
    start = open_straight.get(ch)
    if start is None:
        if opens or not closes:
            open_straight[ch] = pos
    elif closes or not opens:
        spans.append((start, pos))
        del open_straight[ch]
    else:  # a clear opening while one is open: the earlier mark was unbalanced
        open_straight[ch] = pos


def _enclosing_quote_end(spans: list[tuple[int, int]], opens: list[int], pos: int) -> int | None:
    """The closing-quote index of the innermost quotation that contains ``pos``, if any."""
    i = bisect.bisect_left(opens, pos)
    best: int | None = None
    for start, end in reversed(spans[:i]):
        if start < pos < end and end - start <= _MAX_QUOTE_CHARS and (best is None or end < best):
            best = end
        if pos - start > _MAX_QUOTE_CHARS:
            break
    return best


def _attribution_follows(text: str, close: int) -> bool:
    """Whether the sentence goes on after a closing quote (``", disse ..."``, ``," Mr. Kim said``)."""
    rest = text[close + 1 : close + 4]
    if not rest:
        return False
    if rest[0] in ",;:" or text[close - 1] == ",":
        return True
    if rest[0] == " " and len(rest) > 1:
        nxt = rest[1]
        if nxt in _DASHES:
            return True
        return nxt.isalpha() and nxt.islower()
    return False


# A list bullet or a detached opener before the first word of a sentence, then a space: "– 12 de
# julho de 2000: ...", "• Uma nova publicação", "+ Headline", ">> Leia abaixo", "(...) As empresas",
# "“ Somos"; or a "+" glued to its word ("+++Lula diz ...").
_LEAD_RE = re.compile(r"(?:[–—•●▪►◦‣·§©*+-]{1,3}|>{1,3}|\(\.\.\.\)|\[\.\.\.\]|[\"“«'‘(\[]) |\+{1,3}(?=\w)")


def _next_start(text: str, pos: int, lead: bool = True) -> tuple[str, int]:
    """Classify the word starting at ``pos``: ("upper"|"lower"|"digit"|"none", index of its first alnum).

    With ``lead``, a bullet or detached opener and its space ("– ", "• ", "“ ") may come first.
    """
    end = min(len(text), pos + 6)
    i = pos
    while i < end and text[i] in _OPENERS:
        i += 1
    if i >= len(text) or not text[i].isalnum():
        bullet = _LEAD_RE.match(text, pos) if lead else None
        return _next_start(text, bullet.end(), lead=False) if bullet else ("none", i)
    ch = text[i]
    if ch.isdigit():
        return "digit", i
    if ch.isupper():
        return "upper", i
    # iPhone, eBay, iBest: a lowercase letter followed by a capital still opens a sentence.
    if i + 1 < len(text) and text[i + 1].isupper():
        return "upper", i
    if ch.islower():
        return "lower", i
    return "upper", i  # caseless scripts


def _word_at(text: str, start: int) -> str:
    end = text.find(" ", start)
    return text[start : end if end != -1 else len(text)]


def _prev_word(text: str, end: int) -> str:
    start = text.rfind(" ", 0, end) + 1
    return text[start:end].strip(_TRIM_PUNCT)


def _opens_sentence(word: str) -> bool:
    folded = fold(word.strip(_TRIM_PUNCT + ".,"))
    # Portuguese adverbs in -mente ("Posteriormente", "Obviamente") open sentences, never names.
    return folded in _OPENER_WORDS or (len(folded) > 7 and folded.endswith("mente"))


def _is_initial(word: str) -> bool:
    stripped = word.strip(_TRIM_PUNCT)
    return len(stripped) == 2 and stripped[0].isalpha() and stripped[1] == "."


def _period_splits(text: str, dot: int, kind: str, first: int) -> bool:
    """Decide a single "." followed by a space and a capital or digit word starting at ``first``."""
    if dot and text[dot - 1] in _CLOSERS:
        return True  # "(SP).", '"todas as áreas".': a period after a bracket or quote ends
    prev = _prev_word(text, dot)
    if not prev:
        return True  # a stray " . " (a news-set artefact) ends the sentence before it
    nxt = _word_at(text, first)
    if kind == "digit":
        # "nº. 5", "Jan. 18", "et al. (2002)": the number belongs to the abbreviation.
        return not (prev in _BEFORE_NUMBER or prev in _NEVER_FINAL or prev in _MAYBE_FINAL)
    if prev in _NEVER_FINAL:
        return False
    if prev in _MAYBE_FINAL:
        return _opens_sentence(nxt)
    if len(prev) == 1 and prev.isalpha():
        # An initial (John F. Kennedy, J. R. R. Tolkien) unless a sentence opener follows.
        return prev.islower() or (_opens_sentence(nxt) and not _is_initial(nxt))
    if "." in prev:
        return _dotted_word_splits(prev, nxt)
    return True


def _dotted_word_splits(prev: str, nxt: str) -> bool:
    if "@" in prev or "/" in prev or prev[0].isdigit():
        return True  # e-mail address, URL, number
    parts = prev.split(".")
    if any(len(p) >= 3 for p in parts[1:]) or any(len(p) >= 4 for p in parts):
        return True  # S.Paulo, g1.globo.com: an ordinary word or address ends here
    return _opens_sentence(nxt)  # U.S., p.ex., a.C., S.A.: an abbreviation


# Strength of a candidate sentence end: none, soft (a sentence end inside a quotation followed by its
# attribution, kept joined unless the sentence grows too long), or a split.
_NO, _SOFT, _SPLIT = 0, 1, 2


def _decide(
    text: str, m: re.Match[str], spans: list[tuple[int, int]], opens: list[int], caseless: bool = False
) -> int:
    """How strongly the candidate ``m`` (terminators + closers, then a space) ends a sentence.

    ``caseless`` texts (no capital letter anywhere) split before lowercase words too.
    """
    run, closers = m.group(1), m.group(2)
    kind, first = _next_start(text, m.end() + 1)
    if kind == "none" or (kind == "lower" and not caseless):
        return _NO
    quoted = False
    if spans:
        close = _enclosing_quote_end(spans, opens, m.start())
        quoted = close is not None and close >= m.end() and _attribution_follows(text, close)
    if run in ("...", "…", "..") or (len(run) > 2 and set(run) == {"."}):
        # "(...)" and "[...]" mark an elision inside a quotation, not an end.
        splits = m.start() == 0 or text[m.start() - 1] not in "([" or not closers
    elif run == "." and not closers:
        splits = _period_splits(text, m.start(), kind, first)
    else:
        splits = True
    if not splits:
        return _NO
    return _SOFT if quoted else _SPLIT


def _byline_end(text: str, start: int) -> int | None:
    """End of a parenthesised byline that opens a sentence: ``(Reportagem de Joyce Lee) Next ...``."""
    if not text.startswith("(", start):
        return None
    close = text.find(")", start, start + _MAX_BYLINE_CHARS)
    if close == -1 or text.find("(", start + 1, close) != -1 or not text[start + 1 : close].strip(". …"):
        return None  # no parenthesis, a nested one, or an elision "(...)"
    after = close + 1
    if after + 1 >= len(text) or text[after] != " ":
        return None
    kind, first = _next_start(text, after + 1)
    # A dash after the parenthesis is a dateline, "(Reuters) - O líder ...": keep it attached.
    return after if kind == "upper" and first == after + 1 else None
