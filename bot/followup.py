"""Follow-up questions: a message that leans on the previous question of its conversation.

"and Shoigu?" after "When did Lavrov visit Pyongyang?" means "When did Shoigu visit Pyongyang?"
(a new name takes the place of the previous question's name of the same kind: a person's, or a
place's); "e quando foi isso?" asks the previous question again with a new question word; "and in
2017?" changes its time; "who else was there?" asks it again without the answers already given.
:func:`resolve` rewrites such a message into a whole question and says what it understood;
:class:`Conversations` remembers the last question of each conversation (a Discord channel or
thread and a user, or a terminal session) for a while.

Nothing here knows about Discord or the index: the rules read only the two questions.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from bot.language import STOPWORDS, detect_language, fold
from bot.questions import question_times

#: A follow-up is short; a long message is a question of its own.
_MAX_WORDS = 8
_AND = re.compile(  # longest first: "e quanto a" before "e"
    r"^\s*(?:and what about|what about|how about|e quanto aos?|e quanto [àa]s?|e sobre|e o|e a|e os|e as|and|but|"
    r"also|e|mas|tamb[eé]m)\b[\s,]*",
    re.IGNORECASE,
)
#: Words that point back at the previous question's subject or event.
_BACK = re.compile(
    r"\b(?:that|this|it|there|then|they|them|he|she|him|her|isso|isto|aquilo|ele|ela|eles|elas|l[aá]|ali|"
    r"a[ií]|nisso|disso|naquela|nessa|nesse|naquele)\b",
    re.IGNORECASE,
)
_ELSE = re.compile(r"\b(?:else|other|others|another|mais|outr[oa]s?)\b", re.IGNORECASE)
#: Question words that open a question, longest first (pt and en).
_QUESTION_WORD = re.compile(
    r"^\s*(?:how many|how much|how long|what year|which year|in what year|em que ano|em que data|"
    r"h[aá] quanto tempo|quanto tempo|when|where|who|whom|whose|why|what|which|how|quando|onde|aonde|quem|"
    r"por ?que|quantos|quantas|quanto|quanta|qual|quais|como|o que)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"[A-ZÀ-Ý][\w’'-]*(?:\s+(?:(?:de|da|do|dos|das|of)\s+)?[A-ZÀ-Ý][\w’'-]*)*")
_PLACE_BEFORE = re.compile(r"\b(?:in|at|to|from|em|no|na|nos|nas|a|à|ao|para|de|da|do|visit|visitar|visitou)\s*$",
                           re.IGNORECASE)
_STOP = STOPWORDS["pt"] | STOPWORDS["en"]


@dataclass(frozen=True, slots=True)
class Turn:
    """One answered question of a conversation."""

    question: str
    answers: tuple[str, ...] = ()  # the quotes given, so "who else?" can leave them out


@dataclass(frozen=True, slots=True)
class Understood:
    """What a message asks once its follow-up is resolved."""

    question: str
    understood: str | None = None  # set when the message leaned on the previous question
    exclude: tuple[str, ...] = ()  # quotes already given that the answer must not repeat

    @property
    def is_followup(self) -> bool:
        """Whether the message leaned on the previous question."""
        return self.understood is not None


#: The same question word in the other language, so a Portuguese follow-up of an English question
#: reads in English ("e quando foi isso?" after "When did..." -> "When did...").
_SAME_WORD = {
    "pt": {"when": "quando", "where": "onde", "who": "quem", "whom": "quem", "why": "por que", "what": "o que",
           "which": "qual", "how many": "quantos", "how much": "quanto", "how long": "quanto tempo",
           "how": "como", "what year": "em que ano", "which year": "em que ano", "in what year": "em que ano"},
    "en": {"quando": "when", "onde": "where", "aonde": "where", "quem": "who", "por que": "why", "porque": "why",
           "o que": "what", "qual": "which", "quais": "which", "quantos": "how many", "quantas": "how many",
           "quanto": "how much", "quanta": "how much", "quanto tempo": "how long", "ha quanto tempo": "how long",
           "como": "how", "em que ano": "what year", "em que data": "what date"},
}


def resolve(message: str, previous: Turn | None, is_place: Callable[[str], bool] | None = None) -> Understood:
    """The whole question ``message`` asks, given the previous question of its conversation.

    ``is_place`` tells whether a name is a place's (the corpus knows: see
    :func:`bot.briefing.is_place`); without it, a name's ending decides.
    """
    text = " ".join(message.split())
    if previous is None or not text or len(text.split()) > _MAX_WORDS:
        return Understood(text)
    body = _AND.sub("", text).strip()
    led = body != text
    names = _names(body)
    times = question_times(body, "pt") or question_times(body, "en")
    asks = _QUESTION_WORD.match(body)
    back = _BACK.search(body)
    if asks and not names and not times and (back or led or _ELSE.search(body)) and _only_pointers(body, asks):
        # "e quando foi isso?", "where was that?", "who else was there?": the previous question, asked anew
        more = _ELSE.search(body)
        rewritten = _ask_again(previous.question, asks.group().strip(), more.group() if more else None)
        exclude = previous.answers if more else ()
        return Understood(rewritten, rewritten, exclude)
    if not asks and (led or len(body.split()) <= 3) and (names or times):
        rewritten = previous.question
        for name in names:
            rewritten = _substitute(rewritten, name, is_place or _looks_like_place)
        for when in times:
            rewritten = _retime(rewritten, body, when)
        if fold(rewritten) != fold(previous.question):
            return Understood(rewritten, rewritten)
    return Understood(text)


class Conversations:
    """The last question of each conversation, forgotten ``ttl_seconds`` after it was asked.

    Keys are whatever identifies a conversation (``(channel_id, user_id)``, a thread id, a message id);
    at most ``capacity`` are kept (the oldest go first). Safe to use from several threads.
    """

    def __init__(self, ttl_seconds: float = 600.0, capacity: int = 10_000) -> None:
        self._ttl = ttl_seconds
        self._capacity = capacity
        self._turns: OrderedDict[Hashable, tuple[float, Turn]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Turn | None:
        """The last turn of a conversation, None when there is none or it expired."""
        with self._lock:
            found = self._turns.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > self._ttl:
                del self._turns[key]
                return None
            return found[1]

    def put(self, key: Hashable, turn: Turn) -> None:
        """Remember ``turn`` as the conversation's last."""
        with self._lock:
            self._turns.pop(key, None)
            self._turns[key] = (time.monotonic(), turn)
            while len(self._turns) > self._capacity:
                self._turns.popitem(last=False)


def _names(text: str) -> list[str]:
    """Capitalised names in a follow-up (its first word too: "Shoigu?" is a name, "And" is not)."""
    found = []
    for match in _NAME.finditer(text):
        words = match.group().split()
        while words and (fold(words[0]) in _STOP or _QUESTION_WORD.match(words[0])):
            words = words[1:]
        if words:
            found.append(" ".join(words))
    return found


def _only_pointers(body: str, asks: re.Match[str]) -> bool:
    """Whether what follows the question word only points back ("foi isso", "was there", "else")."""
    rest = [w for w in re.findall(r"[^\W\d_]+", body[asks.end():]) if fold(w) not in _STOP]
    return all(_BACK.fullmatch(w) or _ELSE.fullmatch(w) or fold(w) in _LINKS for w in rest)


#: Verbs that only link a question word to what it points at ("when was that", "quando foi isso").
_LINKS = frozenset(("foi", "era", "sera", "aconteceu", "ocorreu", "happen", "happened", "occur", "occurred",
                    "estava", "estavam", "fica", "ficava", "esteve", "estiveram", "took", "place", "ser"))


def _ask_again(previous: str, asks: str, more: str | None = None) -> str:
    """The previous question with another question word: "Who met Kim?" + "when" -> "When met Kim?".

    The word is put in the previous question's language; "else"/"mais" is kept ("Who else ...").
    """
    body = _QUESTION_WORD.sub("", previous, count=1).strip()
    body = re.sub(r"^(?:else|mais)\b\s*", "", body, flags=re.IGNORECASE)  # "Who else did..." asked again
    lang = detect_language(previous)
    key = " ".join(fold(asks).split())
    word = _SAME_WORD.get(lang, {}).get(key, asks)
    if more and fold(more) in ("else", "mais") and detect_language(more) in (lang, "und"):
        word = f"{word} {more}"
    elif more:
        word = f"{word} {'else' if lang == 'en' else 'mais'}"
    word = word[0].upper() + word[1:]
    return f"{word} {body}" if body else f"{word}?"


def _substitute(question: str, name: str, is_place: Callable[[str], bool]) -> str:
    """``question`` with ``name`` in place of its name of the same kind (a place's, or a person's)."""
    candidates = _name_spans(question)
    if not candidates:
        return f"{question.rstrip('?')} {name}?"
    place = is_place(name)
    same = [(a, b) for a, b in candidates if (_PLACE_BEFORE.search(question[:a]) is not None) == place]
    start, end = (same or candidates)[0]
    return question[:start] + name + question[end:]


def _name_spans(question: str) -> list[tuple[int, int]]:
    """Where the names of a question are: capitalised runs without the question's opening words
    ("Quando Lavrov chegou...": "Lavrov"; "Is", "When" alone are no names)."""
    spans = []
    for match in _NAME.finditer(question):
        start, name = match.start(), match.group()
        opening = _QUESTION_WORD.match(name)
        if opening is not None:  # the question word and the name are one capitalised run
            rest = name[opening.end():]
            start += len(name) - len(rest.lstrip())
            name = rest.strip()
        elif match.start() == 0 and len(name.split()) < 2:
            continue
        if name:
            spans.append((start, start + len(name)))
    return spans


def _looks_like_place(name: str) -> bool:
    """Whether a bare name reads as a place by its ending (when nothing better is known)."""
    folded = fold(name)
    return bool(re.search(r"(?:ia|ão|burgo|polis|grad|stan|land|ton|ville|cidade|city)$", folded))


def _retime(question: str, body: str, when: str) -> str:
    """``question`` with its time replaced by the one the follow-up names ("and in 2017?")."""
    written = re.search(r"\b(?:in|em|no|na|on|since|desde)?\s*[\w\s]*\d{4}\b", body)
    phrase = written.group().strip() if written else when
    old = re.search(r"\b(?:in|em|no|na|on|since|desde)\s+(?:\w+\s+(?:de\s+)?)?\d{4}\b", question)
    if old:
        return question[: old.start()] + phrase + question[old.end():]
    return f"{question.rstrip('?')} {phrase}?"
