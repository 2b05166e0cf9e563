"""Related-link furniture inside article text: "+ <headline>" links and "Leia também:" labels.

Scraped news pages keep the links to related articles inline, without a full stop, glued between two
sentences of the article: "... com Seul. + Secretário-geral da ONU alerta para risco nuclear Depois
de um ano ...". :func:`_furniture_spans` finds them: a marker (``+``, ``++``, ``+++``, or a label such
as ``Leia também:``, ``LEIA MAIS``, ``OUTRAS DO BLOG:``) where a sentence may start, then a
headline-shaped run of words that ends where the article's text resumes. Decided from the shapes
of the news set, not from any article: a headline does not end with a joining word ("de", "que"),
runs 12 words (median) to 24 (p99), and the article resumes with a sentence opener, a quotation, a
capitalised word before a verb, or a one-word section kicker. A run that cannot be delimited, or
that is a whole sentence, stays article text: losing a sentence is worse than keeping a link.
"""

from __future__ import annotations

import re

from bot.sentences._ends import (
    _CANDIDATE_RE,
    _CLOSERS,
    _NO,
    _SOFT,
    _SPLIT,
    _TRIM_PUNCT,
    _decide,
    _names,
    _opens_sentence,
)

# Inline related links (a news page's "+ <headline>" links and "Leia também: <headline>" boxes)
# survive in scraped text without a full stop, glued between two sentences of the article:
#   "... com Seul. + Secretário-geral da ONU alerta para risco nuclear Depois de um ano ..."
# They are not article text: _furniture_spans finds them and segment_text sets them apart.
_PLUS_MARKER_RE = re.compile(r"\+{1,3} ?(?=[\"“‘'«(]?[^\W\d_])")  # at a word start (checked apart)
# Matched only where a sentence starts (text start, after a sentence end): scanning every text for
# them case-insensitively would cost more than the rest of the splitting.
_LABEL_RE = re.compile(
    r"(?:>{1,3} ?)?(?:(?:leia|veja|saiba|confira) (?:mais|também|tambem)|outras do blog|read more|see also"
    r"|related)\b",
    re.IGNORECASE,
)
_LABEL_FIRST = tuple(
    form for word in ("leia", "veja", "saiba", "confira", "outras", "read", "see", "related", ">")
    for form in {word, word.capitalize(), word.upper()}
)
# Their first two characters: one set lookup per sentence start tells where a label may begin.
_LABEL_PREFIXES = frozenset(form[:2] for form in _LABEL_FIRST if len(form) > 1) | {"> ", ">>"}
# A colon before a label: "Veja a resposta: LEIA MAIS: ..." (a literal prefix: the scan is quick).
_COLON_LABEL_RE = re.compile(r": (?=[LlVvSsCcOoRr>])")
# What may stand just before a marker: the end of a sentence (a terminator or closing quote or
# bracket) or a colon ("OUTRAS DO BLOG: + ..."); a marker right after a related link chains.
_BEFORE_MARKER = ".!?…:;\"'”’»)]"
# Headlines of the news set's related links run to 12 words (median), 16 (p90), 24 (p99) and
# 146 characters (p99), measured on links followed by another link (an unambiguous end).
_MAX_HEADLINE_WORDS = 24
# At most this much text between two related links is taken as the rest of the first one.
_MAX_GAP_CHARS = 100
_MAX_HEADLINE_CHARS = 160
# Words after a label that still belong to it: "Veja mais detalhes .", "Leia mais abaixo."
_LABEL_TAIL = frozenset({"detalhes", "notícias", "noticias", "aqui", "abaixo", "here", "below"})
# A capital after one of these verbs of saying opens a quotation inside the headline, not the
# article's next sentence ("+ Ex-ministro diz “Fui traído”").
_SAYING = _names(
    """
    diz dizem disse afirma afirmam afirmou declara admite critica defende alerta avisa pede nega rebate
    ironiza questiona says said warns
    """
)
# Words that join a headline to what follows it (articles, prepositions, conjunctions): a headline
# does not end with one, and a capital after one is a name inside the headline ("ataque de Trump").
# The joiners that also follow a sentence's subject ("Lula é réu") are not counted after a capital.
_LINKS_EXCLUDED = ("é", "são", "foi", "será", "is", "are", "was")
_JOINERS = _names(
    """
    a à ao aos as às o os um uma uns umas de da das do dos d em na nas no nos num numa por pela pelas
    pelo pelos para pra com sem sob sobre entre contra até desde após ante perante e ou mas nem que se
    como quando onde cujo cuja cujos cujas porque pois é são foi será
    the an and or of to in on at by for from with as that which who whose is are was
    """
)
_LINKS = _JOINERS - set(_LINKS_EXCLUDED)
_QUOTE_OPENERS = "\"“‘'«"


def _marker_allowed(text: str, pos: int, chained_to: int) -> bool:
    """Whether a marker at ``pos`` stands where a related link can: text start, sentence end, chain."""
    if pos == 0 or pos == chained_to + 1:
        return True
    return pos >= 2 and text[pos - 1] == " " and text[pos - 2] in _BEFORE_MARKER


def _furniture_spans(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) of every related link / link label in ``text`` (whitespace-normalised).

    ``starts`` are sentence starts after candidate sentence ends whose first letter may begin a
    label; labels are also looked for at the start of the text and after a colon. Spans start at
    a word and end at the end of a word, so the text around them splits at spaces.
    """
    markers: list[tuple[int, int, str]] = []
    if "+" in text:
        markers.extend(
            (m.start(), m.end(), "+")
            for m in _PLUS_MARKER_RE.finditer(text)
            if m.start() == 0 or text[m.start() - 1] == " "
        )
    if starts or text.startswith(_LABEL_FIRST):
        # A label after a colon ("Veja a resposta: LEIA MAIS: ...") only where labels start sentences.
        starts = [0, *starts, *(m.end() for m in _COLON_LABEL_RE.finditer(text))]
    for pos in starts:
        if text.startswith(_LABEL_FIRST, pos):
            label = _LABEL_RE.match(text, pos)
            if label is not None:
                markers.append((pos, label.end(), "label"))
    if not markers:
        return []
    markers.sort()
    spans, sure, unsure = _link_spans(text, markers)
    if unsure >= 2 and unsure > sure:
        # Most "+" runs are whole sentences, not headlines: a "+"-bulleted list of the article's
        # own items ("+ O curso Drinks com Café é dividido em duas aulas. + ..."), kept as text.
        spans, _, _ = _link_spans(text, [m for m in markers if m[2] != "+"])
    return spans


def _link_spans(text: str, markers: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int]], int, int]:
    """The furniture spans of ``markers`` (sorted), and how many "+" runs ended surely / unsurely
    (or not at all: a sentence)."""
    spans: list[tuple[int, int]] = []
    sure = unsure = 0
    chained_to = -2
    for start, end, kind in markers:
        if spans and start < spans[-1][1]:
            continue
        # A link right after a link whose headline ended too early ("+ Lula pode ser preso?
        # Especialistas respondem + Triplex ..."): the words between belong to the links.
        glued = (
            kind == "+"
            and bool(spans)
            and start - chained_to <= _MAX_GAP_CHARS
            and not any(c in text[chained_to:start] for c in ".!?…")
        )
        if not (glued or _marker_allowed(text, start, chained_to)):
            continue
        if kind == "+":
            span_end, certain = _plus_link_end(text, end)
            sure += certain
            unsure += not certain
        else:
            span_end = _label_end(text, end)
        if span_end is None:
            continue
        if glued and start > chained_to + 1:
            spans[-1] = (spans[-1][0], span_end)
        else:
            spans.append((start, span_end))
        chained_to = span_end
    return spans, sure, unsure


def _plus_link_end(text: str, start: int) -> tuple[int | None, bool]:
    """End of the headline that a ``+`` marker ending at ``start`` introduces, and whether it is sure."""
    if start < len(text) and text[start] == " ":
        start += 1
    return _headline_end(text, start)


def _label_end(text: str, end: int) -> int | None:
    """End of a link label ("Leia mais", "LEIA TAMBÉM: <headline>") whose words end at ``end``."""
    rest = text[end : end + 2]
    if rest == " :":  # "Leia também : <headline>"
        end, rest = end + 1, ":"
    if rest.startswith(":"):
        after = end + 1
        if after >= len(text):
            return after
        nxt = text[after + 1 : after + 2] if text[after] == " " else ""
        if nxt == "+" or not (nxt.isupper() or nxt.isdigit() or nxt in _QUOTE_OPENERS):
            return after  # "OUTRAS DO BLOG: + ...": the label alone, the links follow
        headline, _ = _headline_end(text, after + 1)
        return headline if headline is not None else after
    # "Leia mais.", "Veja mais detalhes .", "Saiba mais" at the end, "Leia mais Sofia Cobucci, ..."
    pos = end
    while True:
        if pos >= len(text):
            return pos
        if text[pos] != " ":
            break
        word_end = text.find(" ", pos + 1)
        word_end = len(text) if word_end == -1 else word_end
        word = text[pos + 1 : word_end]
        if word in (".", "!", "..") or (word and word[0] in "+>"):
            return word_end if word[0] not in "+>" else pos
        if word.rstrip(".!") in _LABEL_TAIL:
            pos = word_end
            if word[-1] in ".!":
                return pos
            continue
        return pos if word[:1].isupper() or word[:1] in _QUOTE_OPENERS else None
    return pos + 1 if text[pos] in ".!" and (pos + 1 == len(text) or text[pos + 1] == " ") else None


def _bare(word: str) -> str:
    """``word`` lower-cased without the punctuation around it (accents kept: "é" is not "e")."""
    return word.strip(_TRIM_PUNCT + ".!?…").lower()


def _is_capitalised(word: str) -> bool:
    core = word.lstrip(_QUOTE_OPENERS + "(")
    return bool(core) and core[0].isupper()


def _ends_headline_word(word: str) -> bool:
    """Whether a headline can end with ``word``: not a stop word, a dangling comma, colon or dash."""
    if not word or word[-1] in ",:;" or word in ("-", "–", "—"):
        return False
    return _bare(word) not in _JOINERS


def _headline_end(text: str, start: int) -> tuple[int | None, bool]:
    """End of a headline-shaped run of words starting at ``start``, before the next article sentence,
    and whether that end is sure.

    The run ends surely before a word that opens a sentence after a word a headline can end with:
    another marker, a capitalised sentence opener ("Segundo", "O", "Nesta"), a quotation opening
    with a capital, or a capitalised word followed by a lowercase content word ("... de guerra Trump
    mencionou o caso"); and at the end of the text. Failing those, less surely, before the first
    capitalised word after a lowercase content word ("... para quebrar o gelo Séculos depois"), or
    at a question mark. A run that reaches a full stop without any of these is a sentence, not a
    headline; so is one longer than a headline: (None, False).
    """
    if start >= len(text) or not _is_capitalised(text[start : start + 2]):
        return None, False
    words = text[start : start + _MAX_HEADLINE_CHARS + 40].split(" ")
    pos = start
    weak: int | None = None
    last: int | None = None
    for i, word in enumerate(words):
        if i > _MAX_HEADLINE_WORDS or pos - start > _MAX_HEADLINE_CHARS:
            break
        if i:
            strength = _headline_boundary(words, i, text, pos)
            if strength == _SPLIT:
                return pos - 1, True
            if strength == _END:
                return _run_end(words, i, pos, weak or last)
            if strength == _SOFT and weak is None:
                weak = pos - 1
            elif strength == _LAST and last is None:
                last = pos - 1
        pos += len(word) + 1
    else:
        if pos - 1 >= len(text):  # the text ends: with the headline, or with a sentence
            if _ends_with_stop(words[-1]):
                return _run_end(words, len(words), pos, weak or last)
            return len(text), True
    return weak or last, False


def _run_end(words: list[str], i: int, pos: int, fallback: int | None) -> tuple[int | None, bool]:
    """Where a run of words that reached a sentence end (``words[i - 1]``, ending before ``pos``)
    stops being a headline (see :func:`_headline_end`)."""
    kicker = _kicker_start(words, i)
    if kicker is not None:  # "+ Dois homens são mortos no Rio Apoio. Enfrentando ..."
        return pos - 1 - sum(len(w) + 1 for w in words[kicker:i]), True
    # A full stop far into the run more likely ends the article's sentence than the headline: an
    # earlier weak end wins, so that a body sentence is not taken for a headline.
    if fallback is not None:
        return fallback, False
    return (pos - 1, False) if words[i - 1].rstrip(_CLOSERS)[-1:] in "?!" else (None, False)


def _kicker_start(words: list[str], i: int) -> int | None:
    """Index of a one- or two-word subhead ("Apoio.", "Setor público.") ending at ``words[i - 1]``
    right after a headline: the news set glues section kickers between a link and the article."""
    if not words[i - 1].endswith("."):
        return None
    for k in (i - 1, i - 2):
        if (
            k >= 2
            and _is_capitalised(words[k])
            and words[k][0].isalpha()
            and _ends_headline_word(words[k - 1])
            and not any(c in w for w in words[k : i - 1] for c in ".,;:")
        ):
            return k
    return None


def _ends_with_stop(word: str) -> bool:
    """Whether ``word`` ends with a terminator, possibly followed by closing quotes or brackets."""
    return word.rstrip(_CLOSERS)[-1:] in (".", "!", "?", "…") and word[-1:] not in ("", " ")


# A headline's own full stop or question mark: the end unless a weak end came before it.
_END = 3
# An end taken only when nothing else ends the headline within its length.
_LAST = 4


def _headline_boundary(words: list[str], i: int, text: str, pos: int) -> int:
    """Whether the article's text resumes at ``words[i]`` (starting at ``pos`` in ``text``): _SPLIT
    (surely), _END (after a sentence end), _SOFT (only if nothing surer comes) or _NO."""
    word, prev = words[i], words[i - 1]
    if _ends_with_stop(prev):
        candidate = _CANDIDATE_RE.search(text, pos - 1 - len(prev), pos)
        if candidate is not None and (_decide(text, candidate, [], []) == _SPLIT or word[:1] == "+"):
            return _END
    if _PLUS_MARKER_RE.match(text, pos) or (word[:1] == ">" and i > 1):
        return _SPLIT
    if i < 2 or not _ends_headline_word(prev):
        return _NO
    if word[:1] in _QUOTE_OPENERS:
        opens = len(word) > 1 and word[1].isupper() and _bare(prev) not in _SAYING
        return _SPLIT if opens else _NO
    if not _is_capitalised(word):
        return _NO
    if _opens_sentence(word):
        return _SPLIT
    if word[-1] == ":" and not _is_capitalised(prev) and _bare(prev) not in _SAYING:
        return _SPLIT  # a speaker or section label: "... para financiamentos Broadcast: Mais ..."
    if word[-1] in ",;":
        return _NO  # a list inside the headline ("ataca Judiciário, culpa mídia")
    nxt = words[i + 1] if i + 1 < len(words) else ""
    verb_follows = nxt[:1].islower() and _bare(nxt) not in _LINKS
    if _is_capitalised(prev) or _bare(prev) in _SAYING:
        # Most likely a name going on ("Coreia do Norte", "diz Trump"); only a last resort, when a
        # verb follows: "... comprovantes de Glaucos Lula é réu em ação penal ..."
        return _LAST if verb_follows and i >= 3 else _NO
    if verb_follows:
        return _SPLIT
    return _SOFT if i >= 3 else _NO
