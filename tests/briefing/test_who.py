"""Who-is cards over the bundled corpus: what the articles say a person is, with sources."""

from __future__ import annotations

from pathlib import Path

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


def _article(folder: Path, name: str, date: str, *sentences: str) -> None:
    body = "\n\n".join(sentences)
    (folder / name).write_text(f'---\ntitle: "{name}"\ndate: "{date}"\nlang: "pt"\n---\n\n{body}\n', encoding="utf-8")


def test_a_surname_alone_means_the_person_not_an_institute_and_not_debris(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(3):
        _article(folder, f"instituto-{i}.txt", f"2018-03-0{i + 1}", "O Instituto Lula divulgou uma nota.",
                 "Segundo a nota, o Instituto Lula recebeu doações legais.", "O Instituto Lula negou irregularidades.")
    _article(folder, "discurso.txt", "2018-03-10", "O ex-presidente Luiz Inácio Lula da Silva discursou em São Paulo.",
             "Lula disse que é inocente.")
    _article(folder, "defesa.txt", "2018-03-11", "Em nota, Defesa de Lula afirma que o processo é nulo.",
             "A defesa de Lula recorreu ao tribunal.", "A defesa de Lula pediu a anulação.",
             "Para a defesa de Lula, não há provas.")
    answerer = Answerer.from_folder(folder, index_dir=tmp_path / "index")
    card = who(answerer.corpus, "Lula")
    assert card.name == "Luiz Inácio Lula da Silva"  # the one given a title, though the institute is named more
    assert "ex-presidente" in [d.text for d in card.descriptions]
    assert "Instituto Lula" in card.others
    assert "Defesa de Lula" not in card.spellings + card.others  # "defesa" is mostly written in lowercase


def test_a_hyphenated_name(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    _article(folder, "kim.txt", "2018-04-27", "O líder norte-coreano Kim Jong-un visitou a fábrica de mísseis.",
             "Kim Jong-un disse que a Coreia do Norte vai suspender os testes.")
    answerer = Answerer.from_folder(folder, index_dir=tmp_path / "index")
    card = who(answerer.corpus, "Kim Jong-un")
    assert card.name == "Kim Jong-un" and "Kim Jong-un" in card.spellings and card.others == ()
    assert "líder norte-coreano" in [d.text for d in card.descriptions]
    assert "Kim Jong-un" not in card.together  # not his own companion
