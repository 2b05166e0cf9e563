"""Answer shapes: a sentence fits a question when it carries the kind of answer asked for."""

import pytest

from bot.answer_types import fits
from bot.index import analyse
from bot.questions import analyse as analyse_question
from bot.records import Sentence


def fit(question: str, text: str, when: str | None = None, kind: str = "body") -> float:
    q = analyse_question(question)
    return fits(q, Sentence("a.txt", 0, text, kind=kind, when=when), set(analyse(question, None)))


def test_when_wants_a_resolved_day() -> None:
    question = "Quando Lavrov chegou à Coreia do Norte?"
    assert fit(question, "Lavrov chegou nesta quarta-feira (18).", when="2023-10-18") == 1.0
    assert fit(question, "Lavrov chegou em outubro.", when="2023-10") < 1.0
    assert fit(question, "Lavrov chegou à Coreia do Norte.") == 0.0


@pytest.mark.parametrize(
    ("question", "good", "bad"),
    [
        ("Quantos contêineres a Coreia do Norte enviou?", "Enviou mais de 1.000 contêineres.", "Enviou contêineres."),
        ("How much profit did Petrobras report?", "A Petrobras registrou lucro de R$ 316 milhões.", "Houve lucro."),
        ("How long is Lavrov's visit?", "Esta visita de dois dias acontece agora.", "A visita acontece agora."),
        ("Quem escreveu a reportagem?", "(Reportagem de Joyce Lee)", "A reportagem saiu ontem."),
        ("What is Shoigu's current position?", "Shoigu é secretário do Conselho.", "Shoigu visitou Pyongyang."),
        ("Onde está detido o pesquisador?", "Ele está numa casa de detenção na cidade de Sizran.", "Ele está detido."),
        ("Por que o Mercosul suspendeu a Venezuela?", "Foi suspensa por causa da ruptura.", "Foi suspensa."),
        ("Who invited Putin?", "O convite foi feito por Kim Jong-un.", "O convite foi feito ontem."),
    ],
)
def test_answer_shapes(question: str, good: str, bad: str) -> None:
    kind = "byline" if good.startswith("(Reportagem") else "body"
    assert fit(question, good, kind=kind) > fit(question, bad)


def test_a_number_the_question_gives_is_not_an_answer() -> None:
    question = "How many containers did North Korea send, 1000 or more?"
    assert fit(question, "It sent 1000 containers.") < fit(question, "It sent 1500 containers.")
