"""Stored sentence vectors: what the encoder computed once, kept beside the index.

A vector is keyed by :func:`passage_key`, a hash of the exact text that was encoded (the sentence
with its article's title and the sentence before it) and of the model variant, so a sentence
whose text, title or neighbour changed can never get a stale vector. Each vector is also tagged
with its article (:func:`article_tag`): when an article changes or is deleted, its vectors are
dropped, except those whose text is still in it (:meth:`VectorStore.drop`); what a crash or an
older process left behind is collected against the index's current sentences
(:meth:`VectorStore.retain`).

:class:`VectorStore` is the interface; :class:`MemoryVectorStore` keeps vectors in memory and
:class:`FileVectorStore` on disk (int8, memory-mapped, shared by every process that opens the
same folder). A database backend implements the same protocol.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

FORMAT = 1


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little", signed=True)


def passage_key(text: str, variant: str) -> int:
    """The key of an encoded text under a model variant (signed 64-bit, a database ``bigint``)."""
    return _hash64(f"{variant}\x00{text}")


def article_tag(article_id: str) -> int:
    """The 64-bit tag of an article id, stored with each of its vectors."""
    return _hash64(article_id)


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to int8 (each row by its own largest component; cosines only need directions)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    return np.rint(vectors * (127.0 / peak)).astype(np.int8)


def buffer_rows(
    pending: dict[tuple[int, int], np.ndarray], pending_keys: dict[int, np.ndarray],
    article_ids: Sequence[str], keys: Sequence[int], vectors: np.ndarray,
) -> None:
    """Add vectors, quantized, to a store's write buffer: by (key, article tag), and by key for
    :meth:`VectorStore.get` (the caller holds the store's lock)."""
    for article_id, key, row in zip(article_ids, keys, quantize(vectors), strict=True):
        pending[(int(key), article_tag(article_id))] = row
        pending_keys[int(key)] = row


def dequantize(rows: np.ndarray) -> np.ndarray:
    """int8 rows back to unit-length float32 rows."""
    vectors = rows.astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class VectorStore(Protocol):
    """Where sentence vectors live. Keys come from :func:`passage_key`; vectors are unit length."""

    @property
    def dim(self) -> int:
        """The length of a vector."""

    def get(self, keys: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """The vectors of ``keys`` (float32, one row per key; zeros where none) and a found mask."""

    def missing(self, article_id: str, keys: Sequence[int]) -> np.ndarray:
        """Which of an article's keys have no vector stored *for that article* (a bool mask)."""

    def put(self, article_ids: Sequence[str], keys: Sequence[int], vectors: np.ndarray) -> None:
        """Store one vector per (article, key); visible to :meth:`get` at once, durable after :meth:`flush`."""

    def drop(self, articles: Mapping[str, Collection[int]]) -> int:
        """Drop every vector of these articles except the keys listed for each; returns how many went."""

    def retain(self, live: Mapping[str, Collection[int]]) -> int:
        """Drop every vector whose (article, key) is not listed; returns how many went."""

    def flush(self) -> None:
        """Make what was put durable."""

    def reload(self) -> bool:
        """Pick up what another process stored; True when something changed."""

    def __len__(self) -> int:
        """The number of (article, key) vectors stored."""


# -- in memory ------------------------------------------------------------------------------


class MemoryVectorStore:
    """Vectors in a dict, gone with the process (tests, corpora without an index folder)."""

    def __init__(self, dim: int) -> None:
        self._dim = dim
        self._rows: dict[int, dict[int, np.ndarray]] = {}  # key -> tag -> int8 row
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self._dim

    def get(self, keys: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        out = np.zeros((len(keys), self._dim), dtype=np.int8)
        found = np.zeros(len(keys), dtype=bool)
        for i, key in enumerate(keys):
            tags = self._rows.get(key)
            if tags:
                with contextlib.suppress(StopIteration, RuntimeError):
                    out[i] = next(iter(tags.values()))
                    found[i] = True
        return dequantize(out), found

    def missing(self, article_id: str, keys: Sequence[int]) -> np.ndarray:
        tag = article_tag(article_id)
        return np.array([tag not in self._rows.get(k, ()) for k in keys], dtype=bool)

    def put(self, article_ids: Sequence[str], keys: Sequence[int], vectors: np.ndarray) -> None:
        rows = quantize(vectors)
        with self._lock:
            for article_id, key, row in zip(article_ids, keys, rows, strict=True):
                self._rows.setdefault(int(key), {})[article_tag(article_id)] = row

    def drop(self, articles: Mapping[str, Collection[int]]) -> int:
        keep = {article_tag(a): set(k) for a, k in articles.items()}
        return self._drop(lambda key, tag: tag in keep and key not in keep[tag])

    def retain(self, live: Mapping[str, Collection[int]]) -> int:
        keep = {article_tag(a): set(k) for a, k in live.items()}
        return self._drop(lambda key, tag: key not in keep.get(tag, ()))

    def _drop(self, dead) -> int:
        gone = 0
        with self._lock:
            for key in list(self._rows):
                tags = self._rows[key]
                for tag in [t for t in tags if dead(key, t)]:
                    del tags[tag]
                    gone += 1
                if not tags:
                    del self._rows[key]
        return gone

    def flush(self) -> None:
        return None

    def reload(self) -> bool:
        return False

    def __len__(self) -> int:
        return sum(len(tags) for tags in self._rows.values())


# -- on disk --------------------------------------------------------------------------------


def _pair_ids(keys: np.ndarray, tags: np.ndarray | int) -> np.ndarray:
    """One 64-bit id per (key, tag) pair, for set operations over whole segments."""
    with np.errstate(over="ignore"):
        return keys.astype(np.uint64) ^ (np.asarray(tags).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))


def _live_ids(articles: Mapping[str, Collection[int]]) -> np.ndarray:
    """The pair ids of every (article, key) listed."""
    ids = [_pair_ids(np.fromiter(keys, dtype=np.int64, count=len(keys)), article_tag(a))
           for a, keys in articles.items()]
    return np.concatenate(ids) if ids else np.zeros(0, dtype=np.uint64)


def _record_dtype(dim: int) -> np.dtype:
    return np.dtype([("key", "<i8"), ("tag", "<i8"), ("vec", "i1", (dim,))])


@dataclass(slots=True)
class _Segment:
    """One immutable file of records sorted by key, and the rows since dropped from it."""

    name: str
    records: np.ndarray  # memory-mapped
    keys: np.ndarray  # a copy: searched on every lookup
    tags: np.ndarray
    dead: np.ndarray  # bool per row
    dead_file: str | None

    @property
    def live(self) -> int:
        return len(self.keys) - int(self.dead.sum())

    def rows(self, key: int) -> range:
        left = int(np.searchsorted(self.keys, key, "left"))
        right = int(np.searchsorted(self.keys, key, "right"))
        return range(left, right)

    def find(self, key: int, tag: int | None = None) -> int:
        """The row of a live record with ``key`` (and ``tag``), or -1."""
        for row in self.rows(key):
            if not self.dead[row] and (tag is None or self.tags[row] == tag):
                return row
        return -1

    def find_many(self, keys: np.ndarray, tag: int | None = None) -> np.ndarray:
        """:meth:`find` for many keys at once (-1 where none)."""
        n = len(self.keys)
        if not n or not len(keys):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), n - 1)
        hit = self.keys[at] == keys
        good = hit & ~self.dead[at]
        if tag is not None:
            good &= self.tags[at] == tag
        rows = np.where(good, at, -1)
        for i in np.flatnonzero(hit & ~good):  # a dropped row or another article's: look at its twins
            rows[i] = self.find(int(keys[i]), tag)
        return rows


def _fsync_write(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class FileVectorStore:
    """Vectors in a folder: int8 records in immutable, memory-mapped segment files.

    ``put`` keeps vectors in memory until :meth:`flush` writes them as a new segment (each
    flush takes the folder's lock, merges with what other processes wrote, and merges small
    segments so there are only a few: a logarithmic number for the whole corpus). Dropped
    records are listed per segment and left out at the next merge. 100k vectors take ~40 MB.
    """

    #: Flushed segments are merged while the one before holds no more live rows than this factor
    #: times the newer one's (a binary counter: O(n log n) rewriting in all), or when a segment
    #: is more than half dropped rows.
    MERGE_FACTOR = 1

    def __init__(self, folder: Path, dim: int, variant: str) -> None:
        self.folder = Path(folder)
        self._dim = dim
        self.variant = variant
        self._dtype = _record_dtype(dim)
        self._segments: tuple[_Segment, ...] = ()
        self._pending: dict[tuple[int, int], np.ndarray] = {}  # (key, tag) -> int8 row, not yet on disk
        self._pending_keys: dict[int, np.ndarray] = {}
        self._lock = threading.RLock()
        self._stamp: tuple[int, int] | None = None
        self._next = 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.reload()

    # -- files ------------------------------------------------------------------------------

    @property
    def _manifest(self) -> Path:
        return self.folder / "manifest.json"

    def _disk_stamp(self) -> tuple[int, int] | None:
        try:
            st = self._manifest.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """This folder's writer lock (between processes), then this store's (between threads)."""
        with self._lock, open(self.folder / "lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self._load_manifest()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _load_manifest(self) -> bool:
        stamp = self._disk_stamp()
        if stamp == self._stamp:
            return False
        for _attempt in range(5):  # a writer may delete a file between our reading its name and opening it
            try:
                self._segments, self._next = self._read_manifest()
                self._stamp = stamp
                return True
            except FileNotFoundError:
                stamp = self._disk_stamp()
        log.warning("vector store %s keeps changing under us; using what we had", self.folder)
        return False

    def _read_manifest(self) -> tuple[tuple[_Segment, ...], int]:
        try:
            data = json.loads(self._manifest.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return (), 1
        except (OSError, ValueError) as exc:
            log.warning("%s: unreadable (%s); its vectors will be computed again", self._manifest, exc)
            return (), 1
        if data.get("format") != FORMAT or data.get("dim") != self._dim or data.get("variant") != self.variant:
            log.info("vector store %s was written for another model or format: starting afresh", self.folder)
            return (), int(data["next"]) if isinstance(data.get("next"), int) else 1
        old = {s.name: s for s in self._segments}
        segments = []
        for entry in data["segments"]:
            name, dead_file = entry["name"], entry.get("dead")
            known = old.get(name)
            if known is not None and known.dead_file == dead_file:
                segments.append(known)
                continue
            records = known.records if known is not None else np.load(self.folder / name, mmap_mode="r")
            keys = known.keys if known is not None else np.ascontiguousarray(records["key"])
            tags = known.tags if known is not None else np.ascontiguousarray(records["tag"])
            dead = np.zeros(len(keys), dtype=bool)
            if dead_file:
                dead[np.load(self.folder / dead_file)] = True
            segments.append(_Segment(name, records, keys, tags, dead, dead_file))
        return tuple(segments), int(data["next"])

    def _write_manifest(self, segments: Sequence[_Segment]) -> None:
        data = {
            "format": FORMAT, "variant": self.variant, "dim": self._dim, "next": self._next,
            "segments": [{"name": s.name, "rows": len(s.keys), "dead": s.dead_file} for s in segments],
        }
        _fsync_write(self._manifest, lambda f: f.write(json.dumps(data).encode()))
        after = {s.name for s in segments} | {s.dead_file for s in segments if s.dead_file}
        self._segments = tuple(segments)
        self._stamp = self._disk_stamp()
        # Under the lock, a segment file the manifest does not list is replaced or left by a crash.
        # Readers that mapped it keep its pages until they reload.
        for path in self.folder.glob("seg-*"):
            if path.name not in after:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _new_name(self, suffix: str) -> str:
        name = f"seg-{self._next:08d}{suffix}"
        self._next += 1
        return name

    def _write_segment(self, keys: np.ndarray, tags: np.ndarray, rows: np.ndarray) -> _Segment:
        order = np.argsort(keys, kind="stable")
        records = np.empty(len(keys), dtype=self._dtype)
        records["key"], records["tag"], records["vec"] = keys[order], tags[order], rows[order]
        name = self._new_name(".npy")
        _fsync_write(self.folder / name, lambda f: np.save(f, records))
        mapped = np.load(self.folder / name, mmap_mode="r")
        return _Segment(name, mapped, records["key"].copy(), records["tag"].copy(),
                        np.zeros(len(keys), dtype=bool), None)

    def _with_dead(self, segment: _Segment, dead: np.ndarray) -> _Segment:
        name = self._new_name(".dead.npy")
        rows = np.flatnonzero(dead).astype(np.int32)
        _fsync_write(self.folder / name, lambda f: np.save(f, rows))
        return _Segment(segment.name, segment.records, segment.keys, segment.tags, dead, name)

    def _merge(self, parts: Sequence[_Segment]) -> _Segment:
        """One segment holding the live records of ``parts`` (a later part wins a repeated pair)."""
        keys = np.concatenate([p.keys[~p.dead] for p in parts])
        tags = np.concatenate([p.tags[~p.dead] for p in parts])
        rows = np.concatenate([np.asarray(p.records["vec"])[~p.dead] for p in parts])
        pairs = np.stack([keys, tags], axis=1)[::-1]
        _, first = np.unique(pairs, axis=0, return_index=True)
        keep = np.sort(len(keys) - 1 - first)
        return self._write_segment(keys[keep], tags[keep], rows[keep])

    def _settle(self, segments: list[_Segment]) -> list[_Segment]:
        """Merge the tail while it is binary-counter unbalanced; rewrite mostly-dropped segments."""
        segments = [self._merge([s]) if len(s.keys) and s.dead.mean() > 0.5 else s for s in segments]
        segments = [s for s in segments if s.live]
        while len(segments) >= 2 and segments[-2].live <= self.MERGE_FACTOR * segments[-1].live:
            segments[-2:] = [self._merge(segments[-2:])]
        return segments

    # -- the protocol ----------------------------------------------------------------------

    @property
    def dim(self) -> int:
        return self._dim

    def reload(self) -> bool:
        with self._lock:
            return self._load_manifest()

    def get(self, keys: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        out = np.zeros((len(keys), self._dim), dtype=np.int8)
        found = np.zeros(len(keys), dtype=bool)
        segments, pending = self._segments, self._pending_keys
        for i, key in enumerate(keys):
            row = pending.get(key)
            if row is not None:
                out[i], found[i] = row, True
        wanted = np.asarray(keys, dtype=np.int64)
        for segment in reversed(segments):
            todo = np.flatnonzero(~found)
            if not len(todo):
                break
            rows = segment.find_many(wanted[todo], None)
            ok = rows >= 0
            if ok.any():
                out[todo[ok]] = segment.records["vec"][rows[ok]]
                found[todo[ok]] = True
        return dequantize(out), found

    def missing(self, article_id: str, keys: Sequence[int]) -> np.ndarray:
        tag = article_tag(article_id)
        segments, pending = self._segments, self._pending
        missing = np.array([(key, tag) not in pending for key in keys], dtype=bool)
        wanted = np.asarray(keys, dtype=np.int64)
        for segment in segments:
            todo = np.flatnonzero(missing)
            if not len(todo):
                break
            missing[todo[segment.find_many(wanted[todo], tag) >= 0]] = False
        return missing

    def put(self, article_ids: Sequence[str], keys: Sequence[int], vectors: np.ndarray) -> None:
        with self._lock:
            buffer_rows(self._pending, self._pending_keys, article_ids, keys, vectors)

    @property
    def pending(self) -> int:
        """Vectors put but not yet flushed."""
        return len(self._pending)

    def flush(self) -> None:
        if not self._pending:
            return
        with self._exclusive():
            pending = dict(self._pending)
            if not pending:
                return
            pairs = np.array(list(pending), dtype=np.int64)
            segment = self._write_segment(pairs[:, 0], pairs[:, 1], np.stack(list(pending.values())))
            self._write_manifest(self._settle([*self._segments, segment]))
            for pair in pending:
                self._pending.pop(pair, None)
            self._pending_keys = {key: row for (key, _tag), row in self._pending.items()}

    def drop(self, articles: Mapping[str, Collection[int]]) -> int:
        if not articles:
            return 0
        tags = np.array([article_tag(a) for a in articles], dtype=np.int64)
        kept = _live_ids(articles)
        return self._drop(lambda keys, row_tags: np.isin(row_tags, tags) & ~np.isin(_pair_ids(keys, row_tags), kept))

    def retain(self, live: Mapping[str, Collection[int]]) -> int:
        live_ids = _live_ids(live)
        return self._drop(lambda keys, tags: ~np.isin(_pair_ids(keys, tags), live_ids))

    def _drop(self, dead_of) -> int:
        with self._exclusive():
            gone = 0
            if self._pending:
                pairs = np.array(list(self._pending), dtype=np.int64)
                for key, tag in pairs[dead_of(pairs[:, 0], pairs[:, 1])].tolist():
                    del self._pending[(key, tag)]
                    gone += 1
            self._pending_keys = {key: row for (key, _tag), row in self._pending.items()}
            segments, changed = [], False
            for segment in self._segments:
                dead = segment.dead | dead_of(segment.keys, segment.tags)
                newly = int(dead.sum() - segment.dead.sum())
                if newly:
                    gone += newly
                    changed = True
                    segment = self._with_dead(segment, dead)
                segments.append(segment)
            if changed:
                self._write_manifest(self._settle(segments))
            return gone

    def __len__(self) -> int:
        return sum(s.live for s in self._segments) + len(self._pending)

    def disk_bytes(self) -> int:
        """The size of the folder's files."""
        return sum(p.stat().st_size for p in self.folder.iterdir() if p.is_file())
