"""Glosses: which answers get one, and the checks that drop a gloss that loops, drifts or loses names."""

import pytest

from bot.gloss import checked_gloss, glosses_for, problem, wants_gloss
from bot.records import ArticleInfo

# What the translator renders names and institutions as when they stand alone.
ALONE = {
    "Lula": "Lula", "Câmara": "The Chamber of", "Marielle Franco": "Marielle Franco", "Marielle": "Marielle",
    "Franco": "Franco", "Senado": "Senate", "Ministério Público": "Public Ministry", "Ministério": "Ministry",
    "Hübner": "Hübner", "Conrado Hübner Mendes": "Conrado Hübner Mendes",
}


def translate(text: str) -> str | None:
    return ALONE.get(text, text)


@pytest.mark.parametrize(
    ("source", "gloss"),
    [
        ("O Senado aprovou o texto nesta terça-feira.", "The Senate approved the text on Tuesday."),
        ("A vereadora Marielle Franco foi homenageada pela Câmara.",
         "Councilwoman Marielle Franco was honored by the Chamber."),
        ("O ministro russo chegou à Coreia do Norte.", "The Russian minister arrived in North Korea."),
        ("Segundo o Ministério Público, ele recebeu propina.",
         "According to the Public Prosecutor's Office, he received bribes."),
        ("Ele disse que está muito, muito feliz.", "He said he is very, very happy."),
        ("Começo da arena: 'A arena causou impacto'", "Start of the arena: 'The arena made an impact'"),
        ("Lula disse que vai recorrer.", "Lula said he will appeal."),
    ],
)
def test_faithful_glosses_pass(source: str, gloss: str) -> None:
    aliases = [("North Korea", "Coreia do Norte")]
    assert problem(source, gloss, aliases, translate) is None


@pytest.mark.parametrize(
    ("source", "gloss", "why"),
    [
        ("Veja a seguir as principais medidas anunciadas pelo governo.",
         "See the following, the following, the following, the following measures.", "repeats itself"),
        ("É o que mostram investigações do Ministério Público estadual e processos na Justiça do RJ.",
         "This is what the State Prosecutor's Office Prosecutor's Office Prosecutor's Office show to Justice of RJ.",
         "repeats itself"),
        ("O presidente do partido afirmou nesta segunda-feira que a proposta será votada em março.",
         "The party president.", "much shorter"),
        ("O ex-presidente Lula falou.", "The former president Squid spoke.", "names of the source missing: Lula"),
        ("O professor Conrado Hübner Mendes, da USP, não vê tais pedidos como deferência ao Legislativo.",
         "Professor Conrado H'bnr Mendes of USP does not see such requests as deference to the Legislative.",
         "names of the source missing: Hübner"),
        ("A vereadora Marielle Franco e seu motorista foram mortos a tiros no Rio.",
         "Councilman Marielle Franco and his driver were shot dead in Rio.", "changes the gender"),
    ],
)
def test_bad_glosses_are_caught(source: str, gloss: str, why: str) -> None:
    found = problem(source, gloss, (), translate)
    assert found is not None and why in found, found


class FakeAnswerer:
    def __init__(self, glosses: dict[str, str]) -> None:
        self.glosses = glosses
        self.asked: list[str] = []

    def gloss(self, text: str, target: str = "en") -> str | None:
        self.asked.append(text)
        return self.glosses.get(text, text)


def answer(text: str, confident: bool = True, lang: str = "pt"):
    from bot.answering import Answer

    info = ArticleInfo(id="a.txt", title="T", date="2023-10", lang=lang)
    return Answer(text=text, when=None, score=1.0, confident=confident, article=info)


def result(answers, lang: str = "en"):
    from bot.answering import Result

    return Result(question="q", answers=tuple(answers), suggestions=(), asks="what", lang=lang)


def test_only_shown_answers_of_english_questions_over_other_languages_are_glossed() -> None:
    good = "O ministro chegou."
    answers = [answer(good), answer("Não confiante.", confident=False), answer("In English.", lang="en"),
               answer("Terceira frase.")]
    fake = FakeAnswerer({good: "The minister arrived.", "Terceira frase.": "Third sentence."})
    glosses = glosses_for(fake, result(answers), limit=3)
    assert glosses == {good: "The minister arrived."}
    assert fake.asked[0] == good and "Não confiante." not in fake.asked and "Terceira frase." not in fake.asked
    assert not wants_gloss(result(answers, lang="pt"), answers[0])
    assert glosses_for(fake, result(answers, lang="pt"), limit=3) == {}


def test_a_degenerate_gloss_is_dropped() -> None:
    loop = "the following, the following, the following"
    fake = FakeAnswerer({"Veja a seguir.": loop})
    assert checked_gloss(fake, "Veja a seguir.") is None
    assert glosses_for(fake, result([answer("Veja a seguir.")]), limit=3) == {}
