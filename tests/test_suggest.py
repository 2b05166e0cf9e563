"""Autocomplete: whole questions around the names being typed, and headlines as they appear."""

from collections import Counter

from bot.suggest import MAX_CHOICE, Suggester

NAMES = Counter({"Serguei Lavrov": 3, "Kim Jong Un": 5, "Coreia do Norte": 9, "Lava Jato": 2, "Marcela Temer": 1})
TITLES = ["Kim Jong Un, da Coreia do Norte, se reúne com Shoigu, da Rússia", "Temer e Marcela pedalam juntos"]


def test_typed_text_first_then_questions_around_the_names_it_completes() -> None:
    suggester = Suggester(NAMES, TITLES)
    assert suggester.suggest("lav", lang="en") == ["lav", "Who is Serguei Lavrov?", "Who is Lava Jato?"]
    assert suggester.suggest("lav", lang="pt")[1] == "Quem é Serguei Lavrov?"


def test_the_language_being_typed_wins_over_the_hint() -> None:
    suggester = Suggester(NAMES, TITLES)
    assert suggester.suggest("quem é marcela tem", lang="en")[:2] == ["quem é marcela tem", "Quem é Marcela Temer?"]
    assert suggester.suggest("who is kim jong", lang="pt")[1] == "Who is Kim Jong Un?"


def test_a_name_with_da_or_do_gets_the_neutral_question() -> None:
    assert Suggester(NAMES, TITLES).suggest("coreia", lang="pt")[1] == "O que aconteceu com Coreia do Norte?"


def test_a_typed_question_is_never_glued_to_a_name() -> None:
    choices = Suggester(NAMES, TITLES).suggest("quando o Lav", lang="pt")
    assert choices[0] == "quando o Lav"
    assert not any(c.startswith("quando o ") and c != "quando o Lav" for c in choices)
    assert "Quem é Serguei Lavrov?" in choices  # a whole question about the name, after the typed text


def test_a_misspelt_word_still_finds_its_name() -> None:
    assert "Who is Serguei Lavrov?" in Suggester(NAMES, TITLES).suggest("lavrof", lang="en")


def test_headlines_holding_the_typed_words_are_offered_whole() -> None:
    assert TITLES[0] in Suggester(NAMES, TITLES).suggest("shoigu e a coreia")


def test_nothing_to_complete_after_a_stop_word() -> None:
    assert Suggester(NAMES, TITLES).suggest("who is the president of") == ["who is the president of"]


def test_empty_input_offers_questions_about_the_people_mentioned_most() -> None:
    assert Suggester(NAMES, TITLES).suggest("", limit=2, lang="en") == ["Who is Kim Jong Un?", "Who is Serguei Lavrov?"]


def test_in_a_large_corpus_sentence_debris_is_not_a_name_and_people_are_told_apart() -> None:
    titles = [f"Defesa de Lula pede recurso número {i}" for i in range(30)] + [
        f"Pedido da defesa de Lula negado pela {i}ª vez" for i in range(30)] + [
        f"Michel Temer viaja; Temer volta em {i} dias" for i in range(5)]
    names = Counter({"Defesa de Lula": 40, "Lula": 90, "Michel Temer": 30, "Temer": 50, "Lava Jato": 20})
    suggester = Suggester(names, titles)
    choices = suggester.suggest("lula", lang="en")
    assert "What happened with Lula?" in choices and not any("Defesa de Lula?" in c for c in choices)
    assert suggester.suggest("temer", lang="en")[1:3] == ["Who is Temer?", "Who is Michel Temer?"]
    assert suggester.suggest("lava", lang="en")[1] == "What happened with Lava Jato?"  # no surname used alone


def test_limits_are_respected() -> None:
    many = Counter({f"Nome Comprido{i} " + "x" * 120: 1 for i in range(40)} | {f"Nome Curto{i}": 1 for i in range(40)})
    choices = Suggester(many, []).suggest("nome", limit=25)
    assert len(choices) == 25 and all(len(c) <= MAX_CHOICE for c in choices)
    assert not any("Comprido" in c for c in choices)  # a question too long to send whole is not offered
