"""Question analysis in English and Portuguese."""

import datetime as dt

import pytest

from bot.questions import analyse, content_words, question_type


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("When did Lavrov visit Pyongyang?", "when"),
        ("Quando Lavrov chegou à Coreia do Norte?", "when"),
        ("Em que dia Giba pagou os R$ 90 mil de pensão alimentícia?", "when"),
        ("How many containers of military equipment did North Korea send to Russia?", "how_many"),
        ("Quantos contêineres a Coreia do Norte enviou para a Rússia?", "how_many"),
        ("How much net profit did Petrobras report?", "how_much"),
        ("Who invited Putin to visit North Korea?", "who"),
        ("Quem escreveu a reportagem da Reuters sobre Shoigu?", "author"),
        ("How long is Lavrov's visit to North Korea?", "how_long"),
        ("Where was the final played?", "where"),
        ("Em que hospital a atriz Rogéria estava internada?", "where"),
        ("Onde está detido o pesquisador?", "where"),
        ("Why did Macron arrive alone?", "why"),
        ("Por que as ações da Eletrobras dispararam?", "why"),
        ("What is Shoigu's current position?", "role"),
        ("Qual cargo Luiz Paulo Rosenberg assumiu ao voltar ao Corinthians?", "role"),
        ("O que o Kremlin disse sobre as acusações?", "what"),
        ("shoygu kim meeting", "other"),
        ("What satellite was used when Sky digital was launched?", "what"),
        ("Em que hospital a atriz Rogéria estava internada quando morreu?", "where"),
        ("Why did the WHO classify the whole state of São Paulo as a risk area?", "why"),
        ("Which Hamas leader called for a new intifada?", "who"),
    ],
)
def test_question_type(question: str, asks: str) -> None:
    assert question_type(question) == asks


def test_content_words_drop_stop_and_question_words() -> None:
    assert content_words("When did Lavrov visit Pyongyang?") == ("lavrov", "visit", "pyongyang")
    assert content_words("What is Shoigu's current position?") == ("shoigu", "current", "position")
    expected = ("conteineres", "coreia", "norte", "enviou")
    assert content_words("Quantos contêineres a Coreia do Norte enviou?") == expected


def test_analyse_language_and_times() -> None:
    q = analyse("Who won Brazil's presidential runoff in October 2018?")
    assert q.lang == "en"
    assert q.times == ("2018-10",)
    assert analyse("Qual foi o placar da final da Copa do Mundo de 2018?").times == ("2018",)
    assert analyse("Quando o Mercosul anunciou a suspensão da Venezuela?").lang == "pt"


def test_today_and_yesterday_are_read_against_the_day_of_asking() -> None:
    today = dt.date(2026, 11, 28)
    assert analyse("Qual é o preço do petróleo hoje?", today).days == ("2026-11-28",)
    assert analyse("What happened yesterday in Brasilia?", today).days == ("2026-11-27",)
    assert analyse("When did Lavrov visit Pyongyang?", today).days == ()


@pytest.mark.parametrize(
    ("question", "future"),
    [
        ("When will the WHO expect a Zika vaccine to be ready?", True),
        ("Quando a vacina estará pronta?", True),
        ("Quando o Mercosul anunciou a suspensão da Venezuela?", False),
        ("What did the Supreme Court decide on April 4, 2018?", False),
        ("Quem ganhou a primeira medalha de ouro do Brasil?", False),
    ],
)
def test_future_questions(question: str, future: bool) -> None:
    assert analyse(question).future is future
