"""Titles and offices a sentence gives a name: appositions and titles written before it.

"Sergei Shoigu, secretário do Conselho de Segurança da Rússia" and "Shoigu, que foi ministro da
Defesa da Rússia até maio" (after the name), "o presidente Vladimir Putin" and "O ministro russo
das Relações Exteriores, Serguei Lavrov," (before it). Used by who-is cards and by the direct
answer to "what is X's position?".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.language import fold

#: Offices, titles and occupations that make a phrase a description of a person.
ROLE = re.compile(
    r"\b(?:ex-)?(?:secret[aá]ri[oa](?:-geral)?|ministr[oa]|president[ea]|vice-\w+|diretor[a]?|chefe|l[ií]der|"
    r"porta-voz|embaixador[a]?|governador[a]?|prefeit[oa]|senador[a]?|deputad[oa]|vereador[a]?|juiz[a]?|"
    r"procurador[a]?(?:-geral)?|general|comandante|coronel|capit[aã]o|delegad[oa]|promotor[a]?|advogad[oa]|"
    r"gerente|coordenador[a]?|superintendente|t[eé]cnic[oa]|treinador[a]?|fundador[a]?|chanceler|rei|rainha|"
    r"pr[ií]ncipe|princesa|papa|bispo|arcebispo|padre|pastor[a]?|autoridade|dirigente|militante|ativista|"
    r"empres[aá]ri[oa]|executiv[oa]|economista|analista|pesquisador[a]?|professor[a]?|cientista|m[eé]dic[oa]|"
    r"jornalista|escritor[a]?|cantor[a]?|ator|atriz|jogador[a]?|atleta|candidat[oa]|herdeir[oa]|"
    r"assessor[a]?|conselheir[oa]|relator[a]?|reitor[a]?|magnata|bilion[aá]ri[oa]|l[ií]der|"
    r"secretary|minister|president|director|chief|head|leader|spokes(?:man|woman|person)|ambassador|governor|"
    r"mayor|senator|congress(?:man|woman)|judge|prosecutor|commander|general|manager|coach|founder|official|"
    r"chancellor|king|queen|prince|princess|pope|bishop|activist|businessman|businesswoman|executive|"
    r"economist|analyst|researcher|professor|scientist|journalist|writer|singer|actor|actress|player|candidate|"
    r"adviser|advisor|envoy|chairman|chairwoman|ceo)\b",
    re.IGNORECASE,
)
#: Words that end a title written before a name ("com *o* presidente Vladimir Putin").
_BEFORE_TITLE = frozenset((
    "o", "a", "os", "as", "um", "uma", "do", "da", "dos", "das", "no", "na", "nos", "nas", "ao", "aos", "à", "às",
    "pelo", "pela", "pelos", "pelas", "com", "e", "que", "para", "por", "the", "an", "of", "and", "with", "by",
    "to", "for", "said",
))
#: Articles, and the words that may come before a title without being part of the office.
_ARTICLES = frozenset(("o", "a", "os", "as", "um", "uma", "the", "an"))
_MODIFIERS = frozenset(("atual", "entao", "novo", "nova", "futuro", "futura", "primeiro", "primeira", "former",
                        "current", "new", "then", "then-", "acting", "interino", "interina"))
#: Words that cannot end a title ("juiz de", "presidente do").
_CONNECTORS = frozenset(("de", "da", "do", "dos", "das", "of", "e", "and"))
#: Endings of lowercase finite verbs (Portuguese past, imperfect and future): "o líder convidou Putin" is no
#: title. (Not -ia/-eu: Rússia, presidência, europeu.)
_VERB = re.compile(r"(?:ou|iu|aram|eram|iram|ava|avam|ará|erá|irá)$|^(?:disse|diz|dizem|fez|faz|teve|tem|pode|"
                   r"deve|vai|said|says|told|has|had|will)$")
#: A title followed directly by a name is another person's ("procuradora Raquel Dodge").
_TITLE_THEN_NAME = re.compile(r"^\S+\s+[A-ZÀ-Ý]")
_CLAUSE_END = re.compile(r"[,;:()\[\]—–]|\.(?:\s|$)|\s-\s")
_RELATIVE = re.compile(r"(?:que|quem|who|which)\s+(?:foi|é|era|será|seria|tinha sido|is|was|has been|had been)\b",
                       re.IGNORECASE)



def titles_of(text: str, names: Iterable[str]) -> list[str]:
    """The titles ``text`` gives any of ``names`` (spellings of one person), in the order written."""
    spellings = sorted({n for n in names if n}, key=len, reverse=True)
    if not spellings:
        return []
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, spellings)) + r")(?![\w-])")
    found: list[str] = []
    for match in pattern.finditer(text):
        for title in (_before(text, match.start()), _after(text, match.end())):
            if title and title not in found:
                found.append(title)
    return found


def _after(text: str, end: int) -> str | None:
    """An apposition after the name: "Shoigu, secretário do Conselho..." or ", que foi ministro...". """
    rest = text[end:]
    if not rest.startswith(", "):
        return None
    body = rest[2:]
    relative = _RELATIVE.match(body)
    stop = _CLAUSE_END.search(body, relative.end() if relative else 0)
    phrase = body[: stop.start()] if stop else body
    phrase = phrase.strip().rstrip(".")
    if not phrase or not (phrase[0].islower() or relative) or len(phrase.split()) > 18:
        return None
    return phrase if _titled(phrase[relative.end():] if relative else phrase) else None


def _before(text: str, start: int) -> str | None:
    """A title written before the name: "o presidente Vladimir Putin", "O ministro ..., Serguei Lavrov,"."""
    head = text[:start]
    if head.endswith(", "):  # "O ministro russo das Relações Exteriores, Serguei Lavrov, ..."
        clause = re.split(r"[,;:()\[\]]|\.\s", head[:-2])[-1].strip()
        roles = [m for m in ROLE.finditer(clause) if m.start() == 0 or not clause[m.start() - 1].isalnum()]
        if not roles:
            return None
        start = roles[-1].start()  # "... do assassinato da vereadora do PSOL, Marielle Franco": the last title
        words = clause[:start].split()
        while words and fold(words[-1]) in _MODIFIERS:
            start = clause.rindex(words.pop(), 0, start)
        phrase = clause[start:].strip()
        if phrase and phrase[0].islower() and len(phrase.split()) <= 12 and _titled(phrase):
            return phrase
        return None
    words = head.split()
    taken: list[str] = []
    for word in reversed(words):
        bare = word.strip("\"“”'(")
        if not bare or fold(bare) in _BEFORE_TITLE or re.search(r"[,;:.!?)]$", word):
            break
        taken.append(word)
        if len(taken) > 8:
            return None
    taken.reverse()
    while taken and fold(taken[-1]) in _CONNECTORS:
        taken.pop()  # "o juiz de Curitiba Sérgio Moro" read as "juiz de" + name: not a whole title
    phrase = " ".join(taken)
    return phrase if phrase and _titled(phrase) else None


def _titled(phrase: str) -> bool:
    """Whether ``phrase`` is a title or office: it starts with one ("atual presidente dos EUA") and goes on
    as a noun phrase, not as a verb phrase ("líder norte-coreano convidou")."""
    words = phrase.split()
    while words and fold(words[0]) in _MODIFIERS | _ARTICLES:
        words = words[1:]
    title = " ".join(words)
    role = ROLE.match(title)
    if role is None or _TITLE_THEN_NAME.match(title):
        return False
    return not any(w.islower() and _VERB.search(fold(w)) for w in title[role.end():].split())
