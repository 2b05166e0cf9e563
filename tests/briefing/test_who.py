"""Who-is cards over the bundled corpus: what the articles say a person is, with sources."""

from __future__ import annotations

from bot.answering import Answerer
from bot.briefing import who
from tests.conftest import SEED_LAVROV, SEED_SHOIGU


def test_shoigu_card(seed_answerer: Answerer) -> None:
    card = who(seed_answerer.corpus, "Shoigu")
    assert card.name == "Sergei Shoigu"
    assert set(card.spellings) == {"Sergei Shoigu", "Shoigu"}
    texts = [d.text for d in card.descriptions]
    assert "secretário do Conselho de Segurança da Rússia" in texts
    assert any(t.startswith("que foi ministro da Defesa da Rússia até maio") for t in texts)
    assert all(d.source.id == SEED_SHOIGU and d.text in d.sentence for d in card.descriptions)
    assert card.articles == 1 and card.first_seen is None  # the only article naming him is undated
    assert "Kim Jong Un" in card.together and "Sergei Shoigu" not in card.together


def test_lavrov_card(seed_answerer: Answerer) -> None:
    card = who(seed_answerer.corpus, "Lavrov")
    assert card.name == "Serguei Lavrov"
    assert [d.text for d in card.descriptions] == ["ministro russo das Relações Exteriores"]
    assert card.descriptions[0].source.id == SEED_LAVROV
    assert (card.first_seen, card.last_seen, card.articles) == ("2023-10", "2023-10", 1)


def test_other_spelling_and_typo_find_the_same_person(seed_answerer: Answerer) -> None:
    assert who(seed_answerer.corpus, "Serguei Shoigu").name == "Sergei Shoigu"
    assert who(seed_answerer.corpus, "shoygu").name == "Sergei Shoigu"


def test_titles_before_the_name_but_not_verb_phrases(seed_answerer: Answerer) -> None:
    assert [d.text for d in who(seed_answerer.corpus, "Putin").descriptions] == ["presidente"]
    assert [d.text for d in who(seed_answerer.corpus, "Peskov").descriptions] == ["porta-voz da presidência russa"]
    kirby = who(seed_answerer.corpus, "John Kirby").descriptions
    assert [d.text for d in kirby] == ["porta-voz do Conselho de Segurança Nacional da Casa Branca"]


def test_unknown_name(seed_answerer: Answerer) -> None:
    card = who(seed_answerer.corpus, "Fulano Beltrano")
    assert not card.found and card.descriptions == () and card.articles == 0


def test_json_contract(seed_answerer: Answerer) -> None:
    data = who(seed_answerer.corpus, "Shoigu").to_json()
    assert {"name", "spellings", "descriptions", "first_seen", "last_seen", "articles", "mentions", "together",
            "others"} <= set(data)
    assert data["descriptions"][0]["source"]["id"] == SEED_SHOIGU
