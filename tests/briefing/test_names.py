"""The names a corpus mentions: autocomplete for timelines and cards, close names for a name not found."""

from __future__ import annotations

from bot.answering import Answerer
from bot.briefing import close_names, mentioned_names


def test_names_complete_what_is_typed_typos_too(seed_answerer: Answerer) -> None:
    corpus = seed_answerer.corpus
    assert mentioned_names(corpus, "shoig") == ["Sergei Shoigu"]
    assert mentioned_names(corpus, "lavrof") == ["Serguei Lavrov"]  # misspelt
    assert mentioned_names(corpus, "Coreia")[0] == "Coreia do Norte"
    assert len(mentioned_names(corpus, "", limit=5)) == 5  # the most mentioned when nothing is typed


def test_people_first_when_asked(seed_answerer: Answerer) -> None:
    everything = mentioned_names(seed_answerer.corpus, "")
    people = mentioned_names(seed_answerer.corpus, "", people_first=True)
    assert everything[0] == "Coreia do Norte"  # mentioned most
    assert people.index("Sergei Shoigu") < people.index("Coreia do Norte")
    assert sorted(people) == sorted(everything)


def test_close_names_of_a_name_not_in_the_corpus(seed_answerer: Answerer) -> None:
    corpus = seed_answerer.corpus
    assert "Kim Jong Un" in close_names(corpus, "Kim Yo-jong")
    assert close_names(corpus, "Sergey Shoygu") == ["Sergei Shoigu"]
    assert close_names(corpus, "Fulano Beltrano") == []
