"""Autocomplete: names and headlines completing what the user is typing."""

from collections import Counter

from bot.suggest import MAX_CHOICE, Suggester

NAMES = Counter({"Serguei Lavrov": 3, "Kim Jong Un": 5, "Coreia do Norte": 9, "Lava Jato": 2, "Marcela Temer": 1})
TITLES = ["Kim Jong Un, da Coreia do Norte, se reúne com Shoigu, da Rússia", "Temer e Marcela pedalam juntos"]


def test_typed_text_comes_first_then_the_name_completing_the_last_word() -> None:
    suggester = Suggester(NAMES, TITLES)
    assert suggester.suggest("when did lav") == ["when did lav", "when did Serguei Lavrov", "when did Lava Jato"]


def test_several_typed_words_are_completed_together() -> None:
    suggester = Suggester(NAMES, TITLES)
    assert suggester.suggest("quem é marcela tem")[:2] == ["quem é marcela tem", "quem é Marcela Temer"]
    assert suggester.suggest("kim jong")[1] == "Kim Jong Un"


def test_a_misspelt_word_still_finds_its_name() -> None:
    assert "quando Serguei Lavrov" in Suggester(NAMES, TITLES).suggest("quando lavrof")


def test_headlines_holding_the_typed_words_are_offered() -> None:
    assert TITLES[0] in Suggester(NAMES, TITLES).suggest("shoigu e a coreia")


def test_nothing_to_complete_after_a_stop_word() -> None:
    assert Suggester(NAMES, TITLES).suggest("who is the president of") == ["who is the president of"]


def test_empty_input_lists_the_most_mentioned_names() -> None:
    assert Suggester(NAMES, TITLES).suggest("", limit=2) == ["Coreia do Norte", "Kim Jong Un"]


def test_limits_are_respected() -> None:
    many = Counter({f"Nome Comprido {i} " + "x" * 120: 1 for i in range(40)})
    choices = Suggester(many, []).suggest("nome", limit=25)
    assert len(choices) == 25 and all(len(c) <= MAX_CHOICE for c in choices)
