"""Conversations over the bundled corpus: a follow-up is answered as the question it stands for."""

from __future__ import annotations

from bot.answering import Answerer
from bot.briefing import FollowUps


def test_and_shoigu_after_lavrov(seed_answerer: Answerer) -> None:
    followups = FollowUps(seed_answerer)
    first, result = followups.ask(("c", 1), "When did Lavrov visit Pyongyang?")
    assert not first.is_followup and result.confident
    understood, result = followups.ask(("c", 1), "and Shoigu?")
    assert understood.question == "When did Shoigu visit Pyongyang?"
    assert "julho do ano passado" in result.answers[0].text
    other, _ = followups.ask(("c", 2), "and Shoigu?")  # another user's conversation knows nothing
    assert not other.is_followup


def test_who_else_does_not_repeat_the_quote(seed_answerer: Answerer) -> None:
    followups = FollowUps(seed_answerer)
    _, first = followups.ask("k", "Com quem Kim Jong Un se reuniu?")
    _, again = followups.ask("k", "quem mais estava lá?")
    given = {a.text for a in first.answers if a.confident}
    assert given and not given & {a.text for a in again.answers}


def test_the_corpus_tells_places_from_people(seed_answerer: Answerer) -> None:
    followups = FollowUps(seed_answerer)
    followups.ask("k", "When did Lavrov visit Moscow?")
    understood, _ = followups.ask("k", "and Pyongyang?")
    assert understood.question == "When did Lavrov visit Pyongyang?"
