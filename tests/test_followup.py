"""Follow-up questions: resolved against the previous question of the conversation."""

from __future__ import annotations

import pytest

from bot.followup import Conversations, Turn, resolve

LAVROV = Turn("When did Lavrov visit Pyongyang?", ("O ministro russo ... chegou à Coreia do Norte",))


@pytest.mark.parametrize("message", ["and Shoigu?", "e Shoigu?", "what about Shoigu?", "E quanto a Shoigu?", "Shoigu?"])
def test_a_new_name_takes_the_place_of_the_previous_person(message: str) -> None:
    found = resolve(message, LAVROV)
    assert found.is_followup and found.question == "When did Shoigu visit Pyongyang?"


def test_a_place_replaces_the_place() -> None:
    assert resolve("And Seoul?", LAVROV, is_place=lambda n: n == "Seoul").question == "When did Lavrov visit Seoul?"
    assert resolve("e Lavrov?", Turn("Quem encontrou Shoigu em Pyongyang?")).question == (
        "Quem encontrou Lavrov em Pyongyang?")


def test_asking_the_previous_question_again_with_another_question_word() -> None:
    assert resolve("e quando foi isso?", Turn("Quem encontrou Shoigu em Pyongyang?")).question == (
        "Quando encontrou Shoigu em Pyongyang?")
    assert resolve("e quando foi isso?", LAVROV).question == "When did Lavrov visit Pyongyang?"  # its language
    assert resolve("where was that?", LAVROV).question == "Where did Lavrov visit Pyongyang?"


def test_who_else_leaves_out_the_answers_already_given() -> None:
    found = resolve("who else was there?", LAVROV)
    assert found.question == "Who else did Lavrov visit Pyongyang?" and found.exclude == LAVROV.answers


def test_a_new_time() -> None:
    assert resolve("and in 2017?", LAVROV).question == "When did Lavrov visit Pyongyang in 2017?"
    prev = Turn("Quantos contêineres a Coreia do Norte enviou para a Rússia em 2023?")
    assert resolve("e em 2022?", prev).question == "Quantos contêineres a Coreia do Norte enviou para a Rússia em 2022?"


@pytest.mark.parametrize("message", [
    "Who is Kim?", "Quem é o líder da Coreia do Norte?", "thanks", "What did the Kremlin say about the evidence?",
])
def test_whole_questions_and_chatter_are_not_followups(message: str) -> None:
    found = resolve(message, LAVROV)
    assert not found.is_followup and found.question == message


def test_nothing_to_lean_on() -> None:
    assert resolve("and Shoigu?", None).question == "and Shoigu?"


def test_conversations_expire_and_stay_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.followup

    now = [1000.0]
    monkeypatch.setattr(bot.followup.time, "monotonic", lambda: now[0])
    conversations = Conversations(ttl_seconds=60, capacity=2)
    conversations.put(("channel", 1), LAVROV)
    assert conversations.get(("channel", 1)) == LAVROV
    assert conversations.get(("channel", 2)) is None  # another user
    now[0] += 61
    assert conversations.get(("channel", 1)) is None  # expired
    for user in range(3):
        conversations.put(("channel", user), LAVROV)
    assert conversations.get(("channel", 0)) is None  # the oldest made room


def test_a_name_right_after_the_question_word_is_the_one_replaced() -> None:
    # "Quando Lavrov" is one capitalised run: the name in it is still the person's.
    previous = Turn("Quando Lavrov chegou à Coreia do Norte?")
    assert resolve("e o Shoigu?", previous, is_place=lambda n: False).question == (
        "Quando Shoigu chegou à Coreia do Norte?")
    assert resolve("e Seul?", previous, is_place=lambda n: n == "Seul").question == "Quando Lavrov chegou à Seul?"


def test_asking_again_after_who_else_drops_the_else() -> None:
    assert resolve("e quando foi isso?", Turn("Who else did Shoigu visit Pyongyang?")).question == (
        "When did Shoigu visit Pyongyang?")
