"""Question analysis: language, what kind of answer is asked for, and the words that matter."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from bot.dates import sentence_dates
from bot.language import STOPWORDS, detect_language, fold

#: Question type -> patterns over the folded question start (pt and en). First match wins,
#: so the more specific patterns ("how many") come before the general ones ("how").
_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("when", r"\b(when|what (year|date|day|month|time)|which (year|date|day|month)|since when|quando|"
                 r"em que (ano|data|dia|mes|momento|epoca)|em qual (ano|data|dia|mes)|qual (a )?data|desde quando|"
                 r"que dia|ate quando)\b"),
        ("author", r"\b(who wrote|who (is|was) the author|who signed|quem (escreveu|assina|assinou)|"
                   r"(qual|quem) (e|foi) (o|a) autor[a]?)\b"),
        ("role", r"\b((current|new|former) (position|job|title|role|post)|what (position|job|title|role|post)|"
                 r"(his|her|their|'s) (position|job|title|role|post)|"
                 r"(qual|que) (e |era |foi )?(o |a )?(cargo|funcao|posto)|"
                 r"(cargo|funcao|posto) (atual|de|do|da)|what does \w+ do)\b"),
        ("how_long", r"\b(how long|(por )?quanto tempo|qual (e|foi) a duracao)\b"),
        ("how_many", r"\b(how many|quant[oa]s)\b"),
        ("how_much", r"\b(how much|quant[oa]|qual (o )?(valor|preco|montante))\b"),
        ("where", r"\b(where|in (what|which) (city|country|place|state|hospital|region)|onde|aonde|"
                  r"em (que|qual) (cidade|pais|lugar|local|estado|hospital|regiao|bairro))\b"),
        ("who", r"\b(who|whom|whose|quem|qual (\w+ )?(candidat[oa]|lider|jogador[a]?|atriz|ator|pessoa)|"
                r"which (\w+ )?(leader|candidate|player|actor|actress|protester|person|official|minister))\b"),
        ("why", r"\b(why|por que|porque|por que motivo|por qual motivo)\b"),
        ("how", r"^(how|como)\b"),
        ("which", r"\b(which|qual|quais)\b"),
        ("what", r"\b(what|o que|que)\b"),
    )
)

_GENERIC = frozenset({"what", "which", "how"})
_SPECIFIC = frozenset({"role", "author", "how_long", "how_many", "how_much"})

#: Words that only shape the question ("did", "what", "segundo") and never identify its topic.
_QUESTION_WORDS = frozenset(
    fold(word)
    for line in (
        "when what which who whom whose where why how many much did does do is are was were has have had",
        "quando qual quais quem onde aonde porque por que quanto quanta quantos quantas como foi foram",
        "segundo according tell say said disse diz dizer about sobre",
    )
    for word in line.split()
)

_FUTURE = re.compile(
    r"\b(will|shall|going to|is due|are due|expected to|vai|vao|ira|irao|sera|serao|devera|deverao|"
    r"pretende|pretendem|previsto|prevista|estara|estarao|tera|terao|fara|farao|podera|poderao|"
    r"acontecera|ocorrera|comecara|entrara|sairao|saira)\b"
)

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)

#: Longer questions are refused (after cleaning): a question is a sentence or two, and every
#: stage's work (translation, typo correction, retrieval, reranking) grows with its length.
MAX_QUESTION_CHARS = 1000
#: Format characters kept by :func:`clean_question`: the joiners inside emoji and Indic words.
_KEPT_FORMAT = frozenset("\u200c\u200d")
#: ... but only inside a word: a joiner next to a space or an end joins nothing.
_LOOSE_JOINERS = re.compile(r"(?<!\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\S)")


class QuestionError(ValueError):
    """A question that cannot be answered as given (empty, too long); the message says why."""


def clean_text(text: str) -> str:
    """User text made safe for every later stage: valid Unicode, printable, NFC, one line.

    Lone surrogates (a file name or terminal argument that was not UTF-8, a broken client)
    become U+FFFD, control and format characters (NUL, escapes, bidi overrides, zero-width
    spaces, soft hyphens) are removed, the text is NFC-normalised and whitespace runs become
    one space. Never raises for a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, not {type(text).__name__}")
    if any("\ud800" <= c <= "\udfff" for c in text):
        # Through UTF-16 and back: surrogate pairs become their character, lone ones U+FFFD.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():
        text = "".join(
            c if c.isprintable() or c in _KEPT_FORMAT else (" " if c.isspace() else "")
            for c in text
        )
    return " ".join(_LOOSE_JOINERS.sub("", text).split())


def clean_question(text: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """The question as every answering stage sees it (:func:`clean_text`).

    Raises :class:`QuestionError` (a ``ValueError``) when nothing is left or the result is
    longer than ``max_chars``.
    """
    text = clean_text(text)
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > max_chars:
        raise QuestionError(
            f"the question is too long ({len(text):,} characters; at most {max_chars:,}): ask it in fewer words"
        )
    return text


@dataclass(frozen=True, slots=True)
class Question:
    """An analysed question."""

    text: str
    lang: str
    asks: str
    terms: tuple[str, ...]  # folded content words, in question order, without duplicates
    times: tuple[str, ...]  # absolute dates the question names ("2018-10" for "in October 2018")
    days: tuple[str, ...] = ()  # days it names relative to now ("hoje", "yesterday"), read against today
    future: bool = False  # asks what will happen ("will", "vai", "será"), not what happened


def content_words(text: str) -> tuple[str, ...]:
    """The folded words of ``text`` that are neither stop words nor question words."""
    stop = STOPWORDS["pt"] | STOPWORDS["en"] | _QUESTION_WORDS
    seen: dict[str, None] = {}
    for match in _WORD.finditer(fold(text)):
        word = match.group().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if word in stop or (len(word) < 2 and not word.isdigit()):
            continue
        seen.setdefault(word, None)
    return tuple(seen)


def question_type(text: str) -> str:
    """What kind of answer ``text`` asks for.

    One of when, author, role, how_long, how_many, how_much, where, who, why, how, which, what, other.
    """
    # An acronym is a name, not a question word: "Why did the WHO classify..." asks why.
    words = [w for w in text.split() if not (len(w) > 1 and w.strip("?!.,;:'\"").isupper())]
    folded = " ".join(fold(" ".join(words)).split())
    found = []
    for order, (kind, pattern) in enumerate(_ASKS):
        match = pattern.search(folded)
        if match:
            found.append((match.start(), order, kind))
    if not found:
        return "other"
    # The question word that comes first decides ("What satellite was used when..." asks what),
    # except that a specific phrase anywhere refines a generic word ("What is X's position?").
    _, _, kind = min(found)
    if kind in _GENERIC:
        specific = [(order, k) for _, order, k in found if k in _SPECIFIC]
        if specific:
            kind = min(specific)[1]
    return kind


def question_times(text: str, lang: str) -> tuple[str, ...]:
    """The dates a question names outright: "in October 2018", "em 1991", "April 4, 2018"."""
    return tuple(m.value for m in sentence_dates(text, None, lang))


def question_days(text: str, lang: str, today: dt.date | None = None) -> tuple[str, ...]:
    """The days a question names relative to when it is asked: "today", "yesterday", "hoje", "ontem"."""
    now = (today or dt.date.today()).isoformat()
    return tuple(m.value for m in sentence_dates(text, now, lang) if m.rule == "relative_day")


def analyse(text: str, today: dt.date | None = None) -> Question:
    """Analyse a question: its language, type, content words and the dates it names."""
    lang = detect_language(text)
    return Question(
        text=text,
        lang=lang,
        asks=question_type(text),
        terms=content_words(text),
        times=question_times(text, lang),
        days=question_days(text, lang, today),
        future=bool(_FUTURE.search(fold(text))),
    )
