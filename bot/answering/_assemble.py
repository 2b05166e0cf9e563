"""Assembly: ranked candidates -> the answers shown, and what to offer when nothing answers.

When nothing answers, the "Did you mean…" offer is the headlines close to the question, or
nothing: never the corpus's topics nor headlines that merely share a word.

Duplicate sentences (wire copy) fold into one answer with all their sources; each answer gets
its neighbouring sentences as context.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.answering._corpus import Corpus
from bot.answering._rank import Scored
from bot.answering._results import Answer
from bot.answering._terms import PREFIX, prefix, terms
from bot.questions import Question, content_words


def answers(corpus: Corpus, scored: list[Scored], limit: int, confident: Callable[[Scored], bool]) -> list[Answer]:
    """The best ``limit`` distinct sentences as answers.

    When the best one is not confident, none is: the corpus does not answer, and what
    follows are close matches, not answers.
    """
    groups: dict[str, list[Scored]] = {}
    for item in scored:  # wire copy repeats sentences verbatim: the text is the key
        groups.setdefault(item.hit.sentence.text.lower(), []).append(item)
    radius = corpus.settings.answers.context_sentences
    found: list[Answer] = []
    answering = True
    for items in groups.values():
        best = items[0]
        s = best.hit.sentence
        info = corpus.article(s.article_id)
        if info is None:
            continue
        also = tuple(
            a for a in dict.fromkeys(corpus.article(i.hit.sentence.article_id) for i in items[1:])
            if a is not None and a.id != info.id
        )
        context = tuple(
            n.text for n in corpus.index.sentences(s.article_id, max(s.position - radius, 0), s.position + radius)
            if n.position != s.position
        ) if radius else ()
        sure = confident(best)
        answering = answering and (bool(found) or sure)
        found.append(Answer(
            text=s.text, when=s.when, score=max(0.0, min(1.0, best.score)), confident=answering and sure,
            article=info, also_in=also, context=context, position=s.position, kind=s.kind,
        ))
        if len(found) >= limit:
            break
    return found


#: A headline is offered under "Did you mean…" when the mean of how much of the question it holds
#: and how much of the question its article speaks of (``Scored.support``) reaches this...
SUGGESTION_MIN = 0.45
#: ...and the headline itself holds at least this share of the question (rarer words weigh more).
SUGGESTION_TITLE_MIN = 0.2


def suggestions(corpus: Corpus, q: Question, scored: list[Scored], phrasing: str | None = None) -> tuple[str, ...]:
    """What to offer when nothing answers confidently: the headlines of the articles closest to the
    question, best first, whole (never cut), at most ``answers.suggestions`` of them.

    Close means the headline holds two or more of the question's words, a good share of them
    (inflections and misspellings match by their first letters), and its article speaks of much
    of the question.
    Nothing is offered rather than noise: a question the corpus knows nothing about gets no
    suggestions. ``phrasing`` is the question in the corpus language (its translation), if any.
    """
    wanted = corpus.settings.answers.suggestions
    words = content_words(phrasing or q.text)
    if not wanted or not words or not scored:
        return ()
    weighted = [(terms(w), prefix(w), corpus.idf(corpus.document_frequency(w))) for w in words]
    total = sum(idf for _, _, idf in weighted) or 1.0
    best: dict[str, Scored] = {}
    for item in scored:  # best first: the first candidate of an article carries its support
        best.setdefault(item.hit.sentence.article_id, item)
    ranked: list[tuple[float, str]] = []
    for article_id, item in best.items():
        info = corpus.article(article_id)
        if info is None or not info.title.strip():
            continue
        title = corpus.title_terms(article_id)
        title_prefixes = {prefix(t) for t in title if len(t) >= PREFIX}
        found = [idf for forms, start, idf in weighted if forms & title or start in title_prefixes]
        held = sum(found) / total
        closeness = (held + item.support) / 2
        # One shared word is a coincidence ("venceu" in a football headline for an Oscar question).
        if len(found) >= min(2, len(weighted)) and held >= SUGGESTION_TITLE_MIN and closeness >= SUGGESTION_MIN:
            ranked.append((closeness, " ".join(info.title.split())))
    ranked.sort(key=lambda pair: -pair[0])
    return tuple(dict.fromkeys(title for _, title in ranked))[:wanted]
