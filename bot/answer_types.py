"""Answer shapes: whether a sentence carries the kind of answer a question asks for.

A "when" question wants a sentence with a resolved date, "how many" a number the question does
not already give, "who" a name, "where" a place, "why" a cause, "how long" a duration, "role" a
title or office, "author" a byline. :func:`fits` scores that from 0 to 1; the answering layer
weighs it with how well the sentence covers the question.
"""

from __future__ import annotations

import re

from bot.language import fold
from bot.questions import Question
from bot.records import Sentence

_NUMBER = re.compile(
    r"\d|\b(mil|milh[oõ]es|milh[aã]o|bilh[oõ]es|bilh[aã]o|dezenas|centenas|thousand|million|billion)\b"
)
_NAME = re.compile(r"(?<!^)(?<![.!?] )\b[A-ZÀ-Ý][a-zà-ÿ]+")
_PLACE = re.compile(
    r"\b(?:[Ee]m|[Nn][oa]s?|[Nn]um|[Nn]uma|[Ii]n|[Aa]t|(?:cidade|estado|província|região|bairro|city|town|"
    r"province|region) d[aeo]s?)\s+([A-ZÀ-Ý][\w-]*)"
)
_NUMERAL = re.compile(r"\d+")
_TIME = re.compile(
    r"\b(segunda|terça|quarta|quinta|sexta|sábado|domingo|ontem|hoje|amanhã|janeiro|fevereiro|março|abril|maio|"
    r"junho|julho|agosto|setembro|outubro|novembro|dezembro|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday|yesterday|today|tomorrow|January|February|March|April|May|June|July|August|September|October|"
    r"November|December|(1[89]|20)\d\d)\b"
)
_CAUSE = re.compile(
    r"\b(porque|pois|por causa|devido|após|depois de|em razão|em função|motivo|razão|para (?:\w+ )?\w+r\b|"
    r"because|due to|after|since|reason|so that)",
    re.IGNORECASE,
)
_SPEECH_QUESTION = re.compile(
    r"\b(dis+e|diz|dizem|afirm\w*|declar\w*|descrev\w*|chamou|classific\w*|say|said|says|describe\w*|call\w*|"
    r"claim\w*|told)\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"[\"“”«»]|\b(dis+e|diz|afirm\w*|declar\w*|segundo|descrev\w*|chamou|classific\w*|said|says|told)\b",
    re.IGNORECASE,
)
#: Question types whose answer has a recognisable shape (a date, a number, a duration, a byline).
TYPED_ANSWERS = frozenset({"when", "how_many", "how_much", "how_long", "author", "role"})
#: Titles and offices: what answers "what is X's position?" / "qual cargo ...?".
_ROLE = re.compile(
    r"\b(secret[aá]ri[oa]|ministr[oa]|president[ea]|vice|diretor[a]?|chefe|l[ií]der|porta-voz|embaixador[a]?|"
    r"governador[a]?|prefeit[oa]|senador[a]?|deputad[oa]|juiz[a]?|procurador[a]?|general|comandante|"
    r"gerente|coordenador[a]?|superintendente|t[eé]cnic[oa]|treinador[a]?|CEO|fundador[a]?|chanceler|"
    r"secretary|minister|president|director|chief|head|leader|spokes(man|woman|person)|ambassador|governor|"
    r"mayor|senator|judge|prosecutor|commander|manager|coach|founder)\b",
    re.IGNORECASE,
)
#: Words that belong to the question phrase of a question type, not to its topic.
PHRASE_WORDS = {
    "when": frozenset({"dia", "data", "ano", "mes", "momento", "epoca", "day", "date", "year", "month", "time"}),
    "how_long": frozenset({"tempo", "long", "duracao", "dura", "durou", "durar"}),
    "role": frozenset({"cargo", "funcao", "posto", "posicao", "position", "job", "title", "role", "post", "atual",
                       "current", "now", "agora", "assumiu", "ocupa", "ocupava"}),
    "author": frozenset({"escreveu", "escrita", "escrito", "assina", "assinou", "autor", "autora", "wrote", "written",
                         "author"}),
}
_DURATION = re.compile(
    r"\b(\d+|um|uma|dois|duas|tr[eê]s|quatro|cinco|seis|sete|oito|nove|dez|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|several|v[aá]rios|v[aá]rias)\s+(segundos?|minutos?|horas?|dias?|semanas?|m[eê]s(es)?|anos?|"
    r"d[eé]cadas?|s[eé]culos?|seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries)\b",
    re.IGNORECASE,
)


def fits(q: Question, s: Sentence, asked: set[str]) -> float:
    """How well a sentence carries the kind of answer asked for (0..1).

    ``asked`` holds the folded words of the question (and its translation): a name, place or
    number the question itself gives is not an answer to it.
    """
    asks = q.asks
    if asks == "when":
        if s.when:
            return 1.0 if len(s.when) == 10 else 0.7
        return 0.4 if _TIME.search(s.text) else 0.0
    if asks == "how_long":
        return 1.0 if _DURATION.search(s.text) else 0.0
    if asks == "author":
        return 1.0 if s.kind == "byline" else 0.0
    if asks == "role":
        return 1.0 if _ROLE.search(s.text) else 0.0
    if asks in ("how_many", "how_much"):
        if any(n.group() not in asked for n in _NUMERAL.finditer(s.text)):
            return 1.0
        return 0.6 if _NUMBER.search(s.text) else 0.0
    if asks == "who":
        return 1.0 if any(fold(n.group()) not in asked for n in _NAME.finditer(s.text)) else 0.3
    if asks == "where":
        return 1.0 if any(fold(p.group(1)) not in asked for p in _PLACE.finditer(s.text)) else 0.2
    if asks == "why":
        return 1.0 if _CAUSE.search(s.text) else 0.2
    if _SPEECH_QUESTION.search(q.text):
        return 1.0 if _SPEECH.search(s.text) else 0.2
    return 0.5
