"""Folding, word tokens, stop words and language detection."""

import unicodedata
from pathlib import Path

import pytest

from bot.language import STOPWORDS, detect_language, fold, words

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

NEWS_PT = (
    "Há 18 anos no poder - como primeiro-ministro e presidente da Rússia -, Vladimir Putin se reelegeu "
    "neste domingo (18). Ele teve uma votação de mais de 76% e conquistou uma vitória ampla frente aos "
    "outros candidatos."
)
NEWS_EN = (
    "North Korean leader Kim Jong Un met Russia's top security official Sergei Shoigu and discussed "
    "deepening the strategic dialogue between the two countries, state media KCNA said on Saturday."
)


def test_fold_lowercases_and_strips_accents() -> None:
    assert fold("Ação à Rússia, CONTÊINERES e Pyongyang!") == "acao a russia, conteineres e pyongyang!"
    assert fold("Ñandú Über Çà") == "nandu uber ca"


def test_fold_handles_decomposed_input_and_keeps_other_scripts() -> None:
    assert fold(unicodedata.normalize("NFD", "Não está")) == "nao esta"
    assert fold("Москва 北京 — 1.000") == "москва 北京 — 1.000"


def test_fold_keeps_offsets_of_portuguese_text() -> None:
    text = "Serguei Lavrov chegou à Coreia do Norte nesta quarta-feira (18), informaram as agências."
    assert len(fold(text)) == len(text)


def test_stopwords_hold_accented_and_folded_forms() -> None:
    pt, en = STOPWORDS["pt"], STOPWORDS["en"]
    for word in ("não", "nao", "à", "a", "também", "tambem", "está", "esta", "do", "que", "quando"):
        assert word in pt
    for word in ("the", "when", "did", "of", "which"):
        assert word in en
    assert "lavrov" not in pt and "coreia" not in pt and "anos" not in pt
    assert all(w == w.lower() for lang in STOPWORDS.values() for w in lang)


def test_words_rule() -> None:
    assert words("O líder norte-coreano Kim Jong-un!") == ["o", "lider", "norte-coreano", "kim", "jong-un"]
    assert words("mais de 1.000 contêineres, 2,5% às 10:30 e 13h15") == [
        "mais", "de", "1.000", "conteineres", "2,5", "as", "10:30", "e", "13h15",
    ]
    assert words("d'água, Kim's -- fim.") == ["d", "agua", "kim", "s", "fim"]
    assert words("") == []


def test_words_with_parts_adds_the_pieces_of_hyphenated_tokens() -> None:
    assert words("norte-coreano Kim", with_parts=True) == ["norte-coreano", "norte", "coreano", "kim"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("When did Lavrov visit Pyongyang?", "en"),
        ("Quando Lavrov chegou à Coreia do Norte?", "pt"),
        ("Who met Kim in Pyongyang?", "en"),
        ("Quem se reuniu com Kim?", "pt"),
        ("Quantos contêineres a Coreia do Norte enviou?", "pt"),
        (NEWS_PT, "pt"),
        (NEWS_EN, "en"),
        ("Kim Jong Un, Vladimir Putin, Sergei Shoigu", "und"),
        ("", "und"),
        ("El presidente de la república dijo que los militares llegaron", "und"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_short_keyword_query_is_not_portuguese() -> None:
    assert detect_language("shoygu kim meeting") in ("en", "und")


def test_detect_language_on_the_seeds() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        assert detect_language(path.read_text(encoding="utf-8")) == "pt", path.name


def test_detect_language_reads_only_the_start() -> None:
    text = NEWS_PT * 12 + NEWS_EN * 40
    assert len(NEWS_PT * 12) > 2000
    assert detect_language(text) == "pt"
    assert detect_language(NEWS_EN * 40 + NEWS_PT * 12) == "en"
