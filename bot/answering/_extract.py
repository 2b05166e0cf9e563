"""The direct answer: the short fact the top quote gives, above the quotes.

For a question whose type makes it extractable: the date for "when", the name for "who", the
place for "where", the number with its unit for "how many/how much", the duration for "how
long", the title for "what is X's position". Only for a confident answer, and never invented:
it is a span of the quoted sentence, or the date that sentence was resolved to. A "when" answer
gets its date only when the quote reports the event asked about (its verb or event noun, in any
inflection); a time expression in an undated article is shown as written, marked undated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.answer_types import PHRASE_WORDS
from bot.answering._terms import PREFIX, prefix, terms
from bot.dates import ANY_DAY, sentence_dates
from bot.language import STOPWORDS, fold
from bot.questions import Question, content_words
from bot.titles import titles_of

#: Leading words of a time expression that are not part of the answer ("em 1991" -> "1991").
_TIME_PREPOSITIONS = re.compile(r"^(?:em|no|na|nos|nas|de|do|da|desde|até|in|on|at|since|until|by)\s+", re.I)
#: A capitalised name: capitalised words with the particles names use ("Guilherme, o Conquistador" stops at
#: the comma; "rei Carlos III" gives "Carlos III").
_NAME = re.compile(
    r"[A-ZÀ-Ý][\w’'-]*(?:\s+(?:(?:de|da|do|dos|das|del|of|the|von|van)\s+)?(?:[A-ZÀ-Ý][\w’'-]*|[IVX]+\b))*"
)
#: A place: a capitalised name after a locative word ("em Deabolis", "chegou à Coreia do Norte", "in Paris").
_PLACE = re.compile(
    r"(?:\b(?:[Ee]m|[Nn][oa]s?|[Nn]um|[Nn]uma|[Ii]n|[Aa]t|[Tt]o|[Pp]ara(?: [oa]s?)?|[Aa]os?|(?:cidade|estado|"
    r"província|região|bairro|país|city|town|province|region|country) d[aeo]s?)|(?<!\w)[àÀ]s?)\s+"
    r"((?:[A-ZÀ-Ý][\w’'-]*)(?:\s+(?:d[aeo]s?\s+)?[A-ZÀ-Ý][\w’'-]*)*)"
)
_NUMBER_WORDS = (
    r"um|uma|dois|duas|tr[eê]s|quatro|cinco|seis|sete|oito|nove|dez|onze|doze|vinte|trinta|quarenta|cinquenta|"
    r"cem|cento|mil|dezenas|centenas|milhares|metade|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"hundreds|thousands|dozens|half"
)
_SCALE = r"(?:\s+(?:mil|milh[oõ]es|milh[aã]o|bilh[oõ]es|bilh[aã]o|trilh[oõ]es|thousand|million|billion)\b)?"
_AMOUNT = re.compile(
    rf"(?:(?:R\$|US\$|\$|£|€|¥)\s?)?(?<![\w.,])(?:\d+(?:[.,]\d+)*(?:\s?%)?|(?:{_NUMBER_WORDS})\b){_SCALE}"
    r"(?:\s+(?:de\s+)?(?![Ee]m\b|[Dd][aeo]s?\b|[Nn][oa]s?\b)[\wà-ÿ]+)?",
    re.IGNORECASE,
)
_DURATION = re.compile(
    rf"\b(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS}|v[aá]ri[oa]s|several|alguns|algumas)\s+(?:segundos?|minutos?|horas?|"
    r"dias?|semanas?|m[eê]s(?:es)?|anos?|d[eé]cadas?|s[eé]culos?|seconds?|minutes?|hours?|days?|weeks?|"
    r"months?|years?|decades?|centuries)\b",
    re.IGNORECASE,
)
#: Times the news-oriented date rules do not read (years before 1800, decades, centuries): spans only.
_ERA = re.compile(
    r"\b(?:(?:n[oa]s?\s+)?(?:in[ií]cio|fim|final|meados|come[çc]o)\s+d[oa]s?\s+)?(?:s[eé]culos?\s+[IVXL]+\b|"
    r"d[eé]cada\s+de\s+\d{2,4}|anos\s+\d{2,4}|\d{2}th\s+century|\d{3,4}s)|(?<![\d.,])(?:1\d{3}|[2-9]\d{2}|20\d{2})"
    r"(?![\d.,]\d|\s*%|\s+(?:pessoas|homens|mil|milh|km|metros|people|men)\b)"
)
#: Verb forms (folded Portuguese past, participles, infinitives; English past): the event of a question.
_VERB_FORM = re.compile(r"(?:ou|eu|iu|aram|eram|iram|ado|ada|ados|adas|ido|ida|idos|idas|ar|er|ir|ed)$")
_STOP = STOPWORDS["pt"] | STOPWORDS["en"]
#: "Who is/was X?" and "Quem é/foi X?": the question asks for what X is.
_WHO_IS = re.compile(r"^\s*(?:who\s+(?:is|was)|quem\s+(?:é|e|foi|era))\s+(.+?)[\s?.!]*$", re.IGNORECASE)
_PARTICLES = frozenset(("de", "da", "do", "dos", "das", "del", "von", "van", "bin", "al"))
_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)?")


@dataclass(frozen=True, slots=True)
class Direct:
    """The direct answer to a question: a span of the top quote (or its resolved date)."""

    kind: str  # date, name, place, number, duration, role
    text: str  # as written in the quote
    value: str | None = None  # for a date: the ISO date the quote was resolved to
    undated: bool = False  # a time expression of an undated article: not placed in time

    def to_json(self) -> dict[str, Any]:
        """The direct answer as the CLI's JSON contract."""
        return {"kind": self.kind, "text": self.text, "value": self.value, "undated": self.undated}


def extract(q: Question, phrasing: str, text: str, when: str | None, lang: str, dated: bool) -> Direct | None:
    """The direct answer ``text`` (the top quote) gives to ``q``, or None.

    ``phrasing`` is the question in the quote's language (its translation, or itself), ``when``
    the date the quote was resolved to, ``dated`` whether its article has a date.
    """
    asked = _asked(q, phrasing)
    kind = q.asks
    if kind == "when":
        return _date(q, phrasing, text, when, lang, dated)
    if kind == "how_long":
        return _first(_DURATION, text, asked, "duration")
    if kind in ("how_many", "how_much"):
        return _amount(text, asked, lang)
    if kind == "where":
        places = [m.group(1) for m in _PLACE.finditer(text)]
        return next((Direct("place", p) for p in places if not _given(p, asked)), None)
    if kind == "who":
        subject = _who_is(q.text)
        if subject is not None:  # "Quem é Sergei Shoigu?" asks what he is, not for another name
            return _title(text, subject)
        return _person(text, asked)
    if kind == "role":
        names = [w for w in re.findall(r"[^\W\d_][\w’'-]*", q.text)[1:] if w[0].isupper()]
        found = titles_of(text, [re.sub(r"[’']s$", "", w) for w in names])
        return Direct("role", found[0]) if found else None
    return None


def _who_is(question: str) -> str | None:
    """The name a "who is X?" question asks about, when X is a name and nothing else ("Quem é John Kirby?")."""
    match = _WHO_IS.match(question)
    if match is None:
        return None
    subject = match.group(1).strip()
    words = subject.split()
    if not words or not all(w[0].isupper() or fold(w) in _PARTICLES for w in words) or fold(words[0]) in _PARTICLES:
        return None
    return subject


def _title(text: str, subject: str) -> Direct | None:
    """The title or office the quote gives ``subject``, written as the quote spells the name."""
    surname = re.sub(r"[’']s$", "", subject.split()[-1])
    spellings = {subject, surname}
    spellings.update(n for n in _names(text) if fold(surname) in fold(n).replace("-", " ").split())
    found = titles_of(text, spellings)
    return Direct("role", found[0]) if found else None


def _person(text: str, asked: set[str]) -> Direct | None:
    """The name a "who" question asks for: one the question does not give; a person (with a title in the
    quote) before a bare capitalised word, a full name before a single word, the first written before later."""
    candidates = [n for n in _names(text) if not _given(n, asked)]
    if not candidates:
        return None
    ranked = sorted(enumerate(candidates), key=lambda ic: (not titles_of(text, [ic[1]]), len(ic[1].split()) < 2, ic[0]))
    return Direct("name", ranked[0][1])


def _date(q: Question, phrasing: str, text: str, when: str | None, lang: str, dated: bool) -> Direct | None:
    """The quote's date, when the quote reports the event asked about: the time expression nearest to it."""
    event = _event_position(q, phrasing, text)
    if event is None:
        return None
    if dated and when:
        mentions = [m for m in sentence_dates(text, when, lang) if m.value == when] or sentence_dates(text, when, lang)
        if not mentions:
            return Direct("date", when, when)
        nearest = min(mentions, key=lambda m: min(abs(m.start - event), abs(m.end - event)))
        return Direct("date", _TIME_PREPOSITIONS.sub("", nearest.text), nearest.value or when)
    mentions: list[Any] = sentence_dates(text, ANY_DAY, lang)
    eras = [m for m in _ERA.finditer(text) if not any(d.start <= m.start() < d.end for d in mentions)]
    if not mentions and not eras:
        return None
    spans = [(m.start, m.end, m.text, m) for m in mentions] + [(m.start(), m.end(), m.group(), None) for m in eras]
    start, end, span, mention = min(spans, key=lambda s: min(abs(s[0] - event), abs(s[1] - event)))
    if mention is None:  # a year before the news era, a decade or a century, as written
        return Direct("date", span, span if span.isdigit() else None)
    absolute = [m for m in sentence_dates(text, None, lang) if (m.start, m.end) == (start, end)]
    if absolute:  # "em 1991" needs no anchor
        return Direct("date", _TIME_PREPOSITIONS.sub("", span), absolute[0].value)
    return Direct("date", _TIME_PREPOSITIONS.sub("", span), None, undated=True)


def _event_position(q: Question, phrasing: str, text: str) -> int | None:
    """Where the quote holds the question's event: its verb (else a word of it that is not a name).

    "When did Lavrov visit Pyongyang?" -> "visitou" -> "visita" in the quote (same first letters);
    "Quando o ministro foi demitido?" needs "demitido", not "ministro". None when the quote does
    not hold it; for a question made only of names, the quote's middle.
    """
    names = _capitalised(q.text) | _capitalised(phrasing)
    asked = dict.fromkeys((*content_words(phrasing), *content_words(q.text)))  # translated and as asked (cognates)
    events = [w for w in asked if w not in names and w not in PHRASE_WORDS.get(q.asks, ()) and not w.isdigit()]
    if not events:
        return len(text) // 2
    verbs = [w for w in events if _VERB_FORM.search(w)]
    # The verb when there is one (the event itself), matched by its stem or first letters: four for a
    # verb ("invadiram" / "invasão", "criada" / "criaram"), five for other words.
    wanted = [(terms(w), w[:4] if w in verbs and len(w) >= 6 else prefix(w)) for w in verbs or events]
    for match in re.finditer(r"[^\W_]+", text):
        word = fold(match.group())
        word_terms = terms(word)
        if any(found & word_terms or (len(start) >= PREFIX - 1 and word.startswith(start)) for found, start in wanted):
            return match.start()
    return None


def _capitalised(text: str) -> set[str]:
    """The folded capitalised words of a question, but its first word ("Quando", "When")."""
    words = re.findall(r"[^\W\d_][\w’'-]*", text)
    return {fold(re.sub(r"[’']s$", "", w)) for w in words[1:] if w[0].isupper()}


def _asked(q: Question, phrasing: str) -> set[str]:
    """The folded words of the question and its phrasing (names, numbers and all)."""
    words = (w for text in (q.text, phrasing) for w in _WORD.findall(fold(text)))
    return {re.sub(r"[’']s$", "", w) for w in words}


def _given(span: str, asked: set[str]) -> bool:
    """Whether the question already says ``span`` (every word of it that is not a stop word)."""
    words = [w for w in re.split(r"[\s-]+", fold(span).strip(".,;:")) if w and w not in _STOP]
    return bool(words) and all(w.strip("’'") in asked for w in words)


def _amount(text: str, asked: set[str], lang: str) -> Direct | None:
    """The number a "how many/much" question asks for, with its unit: one whose unit the question names
    ("Quantos homens..." -> "30.000 homens") before the first other one; never a date or a number it gives."""
    dates = [(m.start, m.end) for m in sentence_dates(text, None, lang)]
    candidates = []
    for match in _AMOUNT.finditer(text):
        if any(s <= match.start() < e for s, e in dates):
            continue  # "em 2006" is a date, not an amount
        span = match.group().strip(" ,.;:")
        number = re.search(r"\d+(?:[.,]\d+)*", span)
        if (number and number.group() in asked) or (not number and _given(span, asked)):
            continue
        unit = fold(span.split()[-1]) if len(span.split()) > 1 else ""
        named = bool(unit) and any(prefix(unit) == prefix(w) for w in asked if len(w) >= PREFIX - 1)
        candidates.append((not named, len(candidates), span))
    return Direct("number", min(candidates)[2]) if candidates else None


def _first(pattern: re.Pattern[str], text: str, asked: set[str], kind: str) -> Direct | None:
    for match in pattern.finditer(text):
        span = match.group().strip(" ,.;:")
        number = re.search(r"\d+(?:[.,]\d+)*", span)
        if number and number.group() in asked:
            continue  # a number the question gives is not its answer
        if not number and _given(span, asked):
            continue
        return Direct(kind, span)
    return None


def _names(text: str) -> list[str]:
    """Capitalised names in ``text``, the sentence's first word only when it is followed by another."""
    found = []
    for match in _NAME.finditer(text):
        name = match.group()
        words = name.split()
        while words and fold(words[0]) in _STOP:
            words = words[1:]
        if match.start() == 0 and len(words) < 2:
            continue
        if words:
            found.append(" ".join(words))
    return found
