"""Assembly: ranked candidates -> the answers shown, and what to offer when nothing answers.

Duplicate sentences (wire copy) fold into one answer with all their sources; each answer gets
its neighbouring sentences as context.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.answering._corpus import Corpus
from bot.answering._rank import Scored
from bot.answering._results import Answer
from bot.questions import Question


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


def suggestions(corpus: Corpus, q: Question, scored: list[Scored]) -> tuple[str, ...]:
    """What to offer when nothing answers confidently: the nearest articles' titles, else names
    close to the question's words, else the names the corpus mentions most (its topics)."""
    wanted = corpus.settings.answers.suggestions
    titles: dict[str, None] = {}
    for item in scored:
        info = corpus.article(item.hit.sentence.article_id)
        if info and info.title:
            titles.setdefault(info.title[:100], None)
        if len(titles) >= wanted:
            break
    if not titles and wanted and q.terms:
        typed = " ".join(q.terms)
        for name in corpus.suggester().suggest(typed, wanted + 1):
            if name != typed:  # autocomplete echoes the typed text first
                titles.setdefault(name, None)
    if not titles and wanted:
        titles = dict.fromkeys(corpus.suggester().suggest("", wanted))  # nothing close: what the corpus is about
    return tuple(titles)[:wanted]
