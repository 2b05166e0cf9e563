"""Answering over the bundled corpus: quality, confidence, duplicates, live updates."""

import shutil
import time
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.index import IndexUpdateError
from tests.conftest import SEED_LAVROV, SEED_SHOIGU, Backend

pytestmark = pytest.mark.usefixtures("backend")

LAVROV_ARRIVAL = "chegou à Coreia do Norte para uma visita oficial"


def top(answerer: Answerer, question: str) -> str:
    result = answerer.ask(question)
    assert result.answers, f"no answer for {question!r}"
    return result.answers[0].text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When did Lavrov visit Pyongyang?", LAVROV_ARRIVAL),
        ("Quando Lavrov chegou à Coreia do Norte?", LAVROV_ARRIVAL),
        ("Quantos contêineres a Coreia do Norte enviou para a Rússia?", "mais de 1.000 contêineres"),
        ("Quem escreveu a reportagem da Reuters sobre Shoigu?", "Reportagem de Joyce Lee"),
        ("Quando Moscou e Pyongyang assinaram a parceria estratégica?", "parceria estratégica abrangente"),
    ],
)
def test_first_quote_answers(seed_answerer: Answerer, question: str, expected: str) -> None:
    assert expected in top(seed_answerer, question)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("when did lavrof visit pyongiang", LAVROV_ARRIVAL),
        ("shoygu kim meeting", "Shoigu"),
        ("o que disse peskof", "Peskov"),
        ("LAVROV coreia do norte visita", LAVROV_ARRIVAL),
        ("lavrov coréia do nórte visita", LAVROV_ARRIVAL),
    ],
)
def test_typos_case_and_accents_do_not_matter(seed_answerer: Answerer, question: str, expected: str) -> None:
    assert expected in top(seed_answerer, question)


def test_when_question_states_the_date(seed_answerer: Answerer) -> None:
    result = seed_answerer.ask("When did Lavrov visit Pyongyang?")
    assert result.asks == "when" and result.confident
    assert result.answers[0].when == "2023-10-18"
    assert result.when_label == "Wednesday 18 October 2023"
    answer = result.answers[0]
    assert answer.article.id == SEED_LAVROV and answer.article.date == "2023-10"
    assert answer.context, "neighbouring sentences come with the quote"


@pytest.mark.parametrize(
    "question",
    ["What is the capital of France?", "Who won the 2022 football World Cup?", "Qual é o preço do petróleo hoje?"],
)
def test_unanswerable_questions_get_no_confident_answer(seed_answerer: Answerer, question: str) -> None:
    result = seed_answerer.ask(question)
    assert not any(a.confident for a in result.answers)
    assert not result.confident


def test_empty_question_is_refused(seed_answerer: Answerer) -> None:
    with pytest.raises(ValueError, match="empty"):
        seed_answerer.ask("   ")


def test_json_contract(seed_answerer: Answerer) -> None:
    data = seed_answerer.ask("When did Lavrov visit Pyongyang?").to_json()
    assert set(data) >= {"question", "answers", "suggestions"}
    answer = data["answers"][0]
    assert set(answer) >= {"text", "when", "score", "confident", "article", "context"}
    assert set(answer["article"]) >= {"id", "title", "url", "date"}
    assert 0.0 <= answer["score"] <= 1.0


def test_boilerplate_is_never_quoted(seed_answerer: Answerer) -> None:
    for terms in ("Assine o 247 Pix", "Receba as notícias WhatsApp", "Relacionados", "iBest melhor canal"):
        for answer in seed_answerer.search(terms, limit=10):
            assert "Assine" not in answer.text and "Receba as notícias" not in answer.text
            assert answer.text not in ("Relacionados", "HOME > Mundo") and "iBest" not in answer.text


def test_lookups(seed_answerer: Answerer) -> None:
    assert seed_answerer.article_count == 2
    assert seed_answerer.sentence_count > 15
    assert seed_answerer.article(SEED_SHOIGU) is not None
    assert [a.id for a in seed_answerer.articles("shoigu")] == [SEED_SHOIGU]
    first = seed_answerer.article_sentences(SEED_LAVROV, limit=2)
    assert [s.position for s in first] == [0, 1]
    suggestions = seed_answerer.suggest("shoig")
    assert suggestions and any("Shoigu" in s for s in suggestions)
    assert all(len(s) <= 100 for s in seed_answerer.suggest("", limit=25))


def test_duplicate_sentences_appear_once_with_all_sources(corpus: Path, tmp_path: Path) -> None:
    shutil.copy(corpus / SEED_LAVROV, corpus / "wire-copy.txt")
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    answers = answerer.ask("When did Lavrov visit Pyongyang?", limit=3).answers
    texts = [a.text for a in answers]
    assert len(texts) == len(set(texts))
    assert {answers[0].article.id, *(a.id for a in answers[0].also_in)} == {SEED_LAVROV, "wire-copy.txt"}


def test_refresh_adds_changes_and_removes(corpus: Path, tmp_path: Path) -> None:
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    new = corpus / "sub" / "new.txt"
    new.parent.mkdir()
    new.write_text("---\ndate: 2024-02-01\n---\n\nO jogador Zequinha Albuquerque marcou três gols.\n", encoding="utf-8")
    report = answerer.refresh()
    assert report.added == ("sub/new.txt",) and not report.changed and not report.removed
    assert "Zequinha" in top(answerer, "Quantos gols marcou Zequinha Albuquerque?")

    new.write_text("---\ndate: 2024-02-01\n---\n\nO jogador Zequinha Albuquerque marcou cinco gols.\n",
                   encoding="utf-8")
    report = answerer.refresh()
    assert report.changed == ("sub/new.txt",)
    assert "cinco" in top(answerer, "Quantos gols marcou Zequinha Albuquerque?")

    new.unlink()
    report = answerer.refresh()
    assert report.removed == ("sub/new.txt",)
    assert not any("Zequinha" in a.text for a in answerer.search("Zequinha Albuquerque gols"))
    assert not answerer.refresh().changed_anything


def test_warm_start_reuses_the_index(corpus: Path, tmp_path: Path) -> None:
    Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    again = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert again.last_report is not None and not again.last_report.changed_anything
    assert again.article_count == 2


def test_failed_refresh_keeps_the_old_index(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: Backend
) -> None:
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    (corpus / SEED_LAVROV).unlink()
    (corpus / "other.txt").write_text("Uma frase qualquer sobre Lavrov e outra coisa.", encoding="utf-8")

    def broken(self: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(backend.index_class, "commit", broken)
        with pytest.raises(IndexUpdateError, match="disk full"):
            answerer.refresh()
    assert answerer.article_count == 2
    assert LAVROV_ARRIVAL in top(answerer, "When did Lavrov visit Pyongyang?")
    report = answerer.refresh()  # once the disk is fine again, the change lands
    assert report.removed == (SEED_LAVROV,) and report.added == ("other.txt",)


def test_bad_files_are_skipped_and_reported(corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "loop").mkdir()
    (corpus / "loop" / "again").symlink_to(corpus / "loop")
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    report = answerer.last_report
    assert report is not None and answerer.article_count == 2
    assert {s.path for s in report.skipped} == {"empty.txt", "binary.txt", "loop/again"}


def test_lost_catalog_rebuilds_the_index(corpus: Path, tmp_path: Path, backend: Backend) -> None:
    first = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    count = first.sentence_count
    if backend.dsn is None:
        for catalog in (tmp_path / "index").rglob("catalog.json"):
            catalog.unlink()
    else:
        import psycopg

        with psycopg.connect(backend.dsn, autocommit=True) as conn:
            conn.execute("DELETE FROM articles")
    again = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert again.last_report is not None and len(again.last_report.added) == 2
    assert again.sentence_count == count
    terms = "Lavrov Coreia do Norte visita"
    assert len(again.search(terms, limit=50)) == len(first.search(terms, limit=50))  # no duplicates left behind


def test_refresh_of_named_paths_only(corpus: Path, tmp_path: Path) -> None:
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    new = corpus / "novo.txt"
    new.write_text("O jogador Zequinha Albuquerque marcou três gols.\n", encoding="utf-8")
    (corpus / "unnamed.txt").write_text("Outra frase que ninguém avisou.\n", encoding="utf-8")
    report = answerer.refresh(paths=[new])
    assert report.added == ("novo.txt",)  # the file nobody named waits for the next full refresh
    new.unlink()
    assert answerer.refresh(paths=[new]).removed == ("novo.txt",)
    assert answerer.refresh(paths=[corpus]).added == ("unnamed.txt",)  # a folder: the folder is walked


def test_no_answer_offers_only_close_headlines(seed_answerer: Answerer) -> None:
    result = seed_answerer.ask("Who won the 2022 football World Cup?")
    assert not result.confident
    assert result.suggestions == ()  # nothing in the corpus is close: nothing rather than noise
    near = seed_answerer.ask("when did Lavrof visit Pyongyang in 2019?")  # no article of 2019
    assert not near.confident
    assert near.suggestions and near.suggestions[0].startswith("O ministro russo das Relações Exteriores")


def test_one_translator_per_process() -> None:
    from bot.translate import translator

    assert translator() is translator(True) is translator(enabled=True)
    assert not translator(False).available


def test_a_date_the_corpus_cannot_know_is_not_answered(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "eleicao.txt").write_text(
        "---\ndate: 2018-03-10\n---\n\n"
        "O candidato Joaquim Barreto venceu a eleição municipal de Pelotas com 60% dos votos.\n",
        encoding="utf-8",
    )
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert answerer.ask("Quem venceu a eleição municipal de Pelotas em março de 2018?").confident
    # Written in March 2018, the article cannot report an October 2018 result, nor today's.
    assert not answerer.ask("Quem venceu a eleição municipal de Pelotas em outubro de 2018?").confident
    assert not answerer.ask("Quem venceu hoje a eleição municipal de Pelotas?").confident


def test_mixed_language_corpus_answers_from_either_language(corpus: Path, tmp_path: Path) -> None:
    (corpus / "wire-en.md").write_text(
        "---\ntitle: Lavrov arrives in Pyongyang\ndate: 2023-10-18\nlang: en\n---\n\n"
        "The White House said on Friday that North Korea had delivered more than 1,000 containers "
        "of military equipment to Russia.\n",
        encoding="utf-8",
    )
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    english = answerer.ask("How many containers of military equipment did North Korea deliver to Russia?")
    portuguese = answerer.ask("Quantos contêineres a Coreia do Norte enviou para a Rússia?")
    assert {a.article.id for a in english.answers if a.confident} >= {"wire-en.md"}
    assert "mais de 1.000 contêineres" in portuguese.answers[0].text


def test_a_second_process_sees_what_the_first_committed(corpus: Path, tmp_path: Path) -> None:
    writer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    reader = Answerer.from_folder(corpus, index_dir=tmp_path / "index")  # e.g. another shard, watch off
    (corpus / "novo.txt").write_text("O goleiro Zebedeu Quaresma defendeu três pênaltis.\n", encoding="utf-8")
    writer.refresh()  # commits the index, then writes its catalog in the background
    deadline = time.monotonic() + 10
    while reader.article("novo.txt") is None and time.monotonic() < deadline:
        time.sleep(0.05)
        answers = reader.ask("Quantos pênaltis Zebedeu Quaresma defendeu?").answers
    assert reader.article("novo.txt") is not None
    assert answers and "Zebedeu" in answers[0].text
